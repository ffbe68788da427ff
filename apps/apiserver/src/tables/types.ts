// The meta.k8s.io/v1 Table shapes the API server answers with when a client asks for
// `application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl get, get -w, get -o wide).

/** `includeObject` of TableOptions: what each row carries besides its cells (default Metadata). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject: IncludeObject;
  /** The clock every AGE-like cell is measured against. */
  now: Date;
  /** Leave out columnDefinitions: every watch event after the first, as upstream does. */
  noHeaders?: boolean;
}

/** A column; `priority` 1 marks a `-o wide` column (the server always sends its cells). */
export interface ColumnDefinition {
  name: string;
  /** OpenAPI type of the cells: 'string' | 'integer' | 'number' | 'boolean' | 'date'. */
  type: string;
  /** 'name' for the column that holds the object's name, else ''. */
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean;

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: Record<string, unknown>;
}

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  object?: PartialObjectMetadata | Record<string, unknown>;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

/**
 * How one kind prints: its columns and, per object, one cell per column in the same order.
 * The server prints as upstream does with `Wide: true`, so wide cells are always present.
 */
export interface Printer<T> {
  columns: readonly ColumnDefinition[];
  cells(obj: T, now: Date): Cell[];
  conditions?(obj: T): TableRowCondition[] | undefined;
}
