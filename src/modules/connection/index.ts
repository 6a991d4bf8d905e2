export {
  connectionPlatforms, ConnectionCreateSchema, ConnectionSchema, addConnection, listConnections, getConnection, checkConnection, removeConnection,
  type AccountAttach, type AccountCheck, type AccountDetach, type Connection, type ConnectionPlatform,
} from './connection.service.ts';
