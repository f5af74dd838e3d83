import { Magic } from '@strapi/icons';
import type React from 'react';

import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

/**
 * The variants custom field as the Content-Type Builder offers it (docs/design.md, "The variants
 * field"). JSON underneath; the server makes every variants field private in the content API
 * whatever its schema says, so the builder offers no "Private" checkbox that would suggest
 * otherwise: the field's description says it instead.
 */
export const variantsCustomField = {
  name: 'variants',
  pluginId: PLUGIN_ID,
  type: 'json' as const,
  intlLabel: { id: getTranslation('variants.label'), defaultMessage: 'Variants' },
  intlDescription: {
    id: getTranslation('variants.description'),
    defaultMessage:
      'Personalized versions of this entry, each with its condition. Always private: the public API never returns this field',
  },
  // Typed here: declaration emit cannot name the icon's props type from @strapi/icons' internals.
  icon: Magic as React.ComponentType,
  components: {
    Input: () =>
      import('./components/VariantsInput/VariantsInput').then((module) => ({
        default: module.VariantsInput as unknown as React.ComponentType,
      })),
  },
};
