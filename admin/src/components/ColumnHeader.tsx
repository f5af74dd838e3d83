import { Th, Typography } from '@strapi/design-system';

/** A table's column header: small capitals, as the admin's own list views write them. */
export const ColumnHeader = ({ children, style }: { children: React.ReactNode; style?: React.CSSProperties }) => (
  <Th style={style}>
    <Typography variant="sigma" textColor="neutral600">
      {children}
    </Typography>
  </Th>
);
