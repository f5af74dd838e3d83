import { Flex, Typography } from '@strapi/design-system';

/** A white panel with the admin's table shadow, for a titled section of a page. */
export const Card = ({ children, testId }: { children: React.ReactNode; testId?: string }) => (
  <Flex
    direction="column"
    alignItems="stretch"
    gap={4}
    hasRadius
    background="neutral0"
    shadow="tableShadow"
    paddingTop={6}
    paddingBottom={6}
    paddingLeft={7}
    paddingRight={7}
    data-testid={testId}
  >
    {children}
  </Flex>
);

export interface FigureProps {
  icon: React.ReactNode;
  tone: 'primary' | 'success' | 'danger' | 'neutral' | 'secondary' | 'alternative' | 'warning';
  label: string;
  value: React.ReactNode;
  caption: React.ReactNode;
  testId: string;
  /** `beta` for words and times, which do not fit the large figure type. */
  valueVariant?: 'alpha' | 'beta';
}

/** One number (or state) read at a glance: icon, label, the figure, a line of context. */
export const Figure = ({ icon, tone, label, value, caption, testId, valueVariant = 'alpha' }: FigureProps) => (
  <Flex
    direction="column"
    alignItems="stretch"
    gap={3}
    hasRadius
    background="neutral0"
    shadow="tableShadow"
    padding={5}
    height="100%"
    width="100%"
    data-testid={testId}
  >
    <Flex gap={3}>
      <Flex
        aria-hidden
        background={`${tone}100`}
        color={`${tone}600`}
        hasRadius
        justifyContent="center"
        alignItems="center"
        width="3.2rem"
        height="3.2rem"
        shrink={0}
      >
        {icon}
      </Flex>
      <Typography variant="sigma" textColor="neutral600" tag="h3">
        {label}
      </Typography>
    </Flex>
    <Typography variant={valueVariant} tag="p" textColor="neutral800" data-testid={`${testId}-value`}>
      {value}
    </Typography>
    <Typography variant="pi" textColor="neutral600" tag="div">
      {caption}
    </Typography>
  </Flex>
);

/** Monospace text: ids, paths, keys. */
export const Code = ({ children }: { children: React.ReactNode }) => (
  <Typography
    tag="code"
    variant="pi"
    textColor="neutral800"
    style={{ fontFamily: 'SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace', overflowWrap: 'anywhere' }}
  >
    {children}
  </Typography>
);
