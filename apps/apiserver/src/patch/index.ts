// PATCH bodies and field ownership for the apiserver's write paths.
export { applyPatch, patchTypeOf, type PatchType } from './apply-patch.ts';
export { serverSideApply } from './server-side-apply.ts';
export { trackUpdate, type ManagedFieldsEntry } from './managed-fields.ts';
