import './index.css';
import './i18n';
import { ApiError } from './api';
import { Root } from './App';
import { mount } from '../../shared/mount';

mount(<Root />, { isClientError: (err) => err instanceof ApiError && err.status < 500, refetchOnWindowFocus: true });
