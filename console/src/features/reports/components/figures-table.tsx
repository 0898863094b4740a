import type { ReactNode } from 'react';
import { TableBox } from '../../../components/ui/table-box.tsx';

export interface Column<T> {
  key: string;
  label: string;
  cell: (value: T) => ReactNode;
}

/**
 * A report's numbers as a table: one row per item (its label as the row header), one column per
 * figure, an optional total row. `data-report`, `data-row` and `data-cell` name every figure.
 */
export function FiguresTable<T>({
  report,
  label,
  head,
  columns,
  rows,
  footer,
}: {
  report: string;
  label: string;
  head: string;
  columns: Column<T>[];
  rows: { key: string; label: ReactNode; value: T }[];
  footer?: { label: string; value: T } | undefined;
}) {
  const cells = (value: T) =>
    columns.map((c) => (
      <td key={c.key} className="num" data-cell={c.key}>
        {c.cell(value)}
      </td>
    ));
  return (
    <TableBox label={label}>
      <table className="table" data-report={report}>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            {columns.map((c) => (
              <th key={c.key} scope="col" className="num">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key}>
              <th scope="row">{row.label}</th>
              {cells(row.value)}
            </tr>
          ))}
        </tbody>
        {footer && (
          <tfoot>
            <tr data-row="total">
              <th scope="row">{footer.label}</th>
              {cells(footer.value)}
            </tr>
          </tfoot>
        )}
      </table>
    </TableBox>
  );
}
