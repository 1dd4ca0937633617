// Conditions of the relay's search language (docs/search.md), shared by the
// datasource's query model and the components that build searches.

/** Operators of the relay's search language. */
export type WhereOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'contains' | 'exists';

export type WhereScalar = string | number | boolean | null;
export type WhereValue = WhereScalar | WhereScalar[];

/** One search condition, e.g. `{ field: 'channels.energy_J', op: '>', value: 2 }`. */
export interface WhereCondition {
  field: string;
  op: WhereOp;
  value?: WhereValue;
}
