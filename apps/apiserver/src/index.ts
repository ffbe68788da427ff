export { startApiServer, type ApiServer } from './server.ts';
export { parseFlags, DEFAULTS, type ApiServerOptions } from './options.ts';
