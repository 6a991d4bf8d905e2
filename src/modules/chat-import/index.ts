export { importChatExport, listImports, importFailed, type ChatImportInput, type ChatImportReport, type ChatImportCounts } from './chat-import.service.ts';
