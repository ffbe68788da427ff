// Column definitions reused across kinds. Names keep upstream's spelling ("Nominated Node");
// kubectl upper-cases them when printing.

import type { ColumnDefinition } from './types.ts';

export const col = (name: string, type: string, description: string, priority = 0): ColumnDefinition => ({
  name,
  type,
  format: '',
  description,
  priority,
});

/** Wide (priority 1) column. */
export const wide = (name: string, type: string, description: string): ColumnDefinition => col(name, type, description, 1);

export const NAME: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace; it is the object\'s key and cannot be updated.',
  priority: 0,
};

export const AGE = col('Age', 'string', 'Time since the object was created (metadata.creationTimestamp).');

export const CONTAINERS = wide('Containers', 'string', 'Names of each container in the template.');
export const IMAGES = wide('Images', 'string', 'Images referenced by each container in the template.');
export const SELECTOR = wide('Selector', 'string', 'Label query over the pods this object manages.');
