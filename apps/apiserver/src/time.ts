/** RFC 3339 at whole seconds, as metav1.Time serialises (creationTimestamp, conditions, managedFields). */
export const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
