export { recordEvents, type PlatformEvent, type PlatformChat, type PlatformPerson, type PlatformMedia, type Heard } from './inbound.service.ts';
