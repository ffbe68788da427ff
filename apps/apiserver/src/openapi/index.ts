// OpenAPI documents and strict field validation, from the schemas scripts/gen-openapi.mjs generates.
export { openapiV2, openapiV3GroupVersion, openapiV3Index } from './documents.ts';
export { gvPath, operations, type Operation } from './operations.ts';
export { loadSchemas, resolve, schemasFrom, type GroupVersionKind, type JsonSchema, type Schemas } from './schemas.ts';
export { unknownFields } from './strict.ts';
export { decodeTyped } from './decode.ts';
