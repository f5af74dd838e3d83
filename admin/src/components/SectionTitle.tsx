import { Flex, Typography } from '@strapi/design-system';

export interface SectionTitleProps {
  title: string;
  description?: string;
  /** The heading level: h2 for a card of a page, h3 inside one. */
  level?: 'h2' | 'h3';
  /** `figcaption` when it titles a figure. */
  tag?: 'div' | 'figcaption';
}

/** A section's heading and, under it, a line that says what the section shows. */
export const SectionTitle = ({ title, description, level = 'h2', tag = 'div' }: SectionTitleProps) => (
  <Flex direction="column" alignItems="stretch" gap={1} tag={tag}>
    <Typography variant="delta" tag={level}>
      {title}
    </Typography>
    {description ? (
      <Typography variant="pi" textColor="neutral600">
        {description}
      </Typography>
    ) : null}
  </Flex>
);
