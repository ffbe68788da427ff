export * from './errors.ts';
export * from './resources.ts';
export * from './quantity.ts';
export * from './validation/index.ts';
export * from './labels.ts';
export * from './fields.ts';
export * from './defaults/index.ts';
export * from './duration.ts';
