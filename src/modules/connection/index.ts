export {
  connectionPlatforms, ConnectionCreateSchema, ConnectionSchema, addConnection, listConnections, getConnection, checkConnection, removeConnection,
  type AccountCheck, type Connection, type ConnectionPlatform,
} from './connection.service.ts';
