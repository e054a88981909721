import { readFileSync } from 'node:fs';

// SQL lives in .sql files next to the code that runs it, with query parameters for every value and
// {{db}} for the configured database, which cannot be a parameter.

/** The text of the .sql file `name` next to the module whose import.meta.url is `from`. */
export function sqlFile(from: string, name: string): string {
  return readFileSync(new URL(`./${name}`, from), 'utf8');
}

/** The database name comes from validated configuration (a plain identifier), never from input. */
export function render(statement: string, database: string): string {
  return statement.replaceAll('{{db}}', database);
}
