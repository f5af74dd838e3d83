import { Th, Typography, type ThProps } from '@strapi/design-system';

/**
 * A table's column header: small capitals, as the admin's own list views write them. The table's
 * row passes each cell its `coords` (the table's keyboard navigation: arrows, one tab stop), so
 * every prop goes on to `Th`; and it is a real column header (the design system's cells are all
 * `gridcell`s), so a screen reader reads a value with its column.
 */
export const ColumnHeader = ({ children, ...props }: ThProps) => (
  <Th role="columnheader" {...props}>
    <Typography variant="sigma" textColor="neutral600">
      {children}
    </Typography>
  </Th>
);
