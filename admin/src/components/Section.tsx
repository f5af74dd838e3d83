import { Card } from './Figure';
import { SectionTitle, type SectionTitleProps } from './SectionTitle';

/** A card of a page: its title, what it shows, then its content. */
export const Section = ({
  children,
  testId,
  ...title
}: Omit<SectionTitleProps, 'level' | 'tag'> & { children: React.ReactNode; testId?: string }) => (
  <Card testId={testId}>
    <SectionTitle {...title} />
    {children}
  </Card>
);
