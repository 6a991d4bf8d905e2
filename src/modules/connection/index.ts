export {
  connectionPlatforms, ConnectionCreateSchema, ConnectionSchema, addConnection, listConnections, getConnection, checkConnection, removeConnection, hearsAllSince,
  type AccountAttach, type AccountCheck, type AccountDetach, type Connection, type ConnectionPlatform,
} from './connection.service.ts';
