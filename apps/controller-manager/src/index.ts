export { ControllerManager, type ManagerOptions } from './manager.ts';
