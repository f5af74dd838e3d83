import { createIntl } from 'react-intl';

import en from '../../admin/src/translations/en.json';
import fr from '../../admin/src/translations/fr.json';
import { getTranslation } from '../../admin/src/utils/getTranslation';

/** An intl with the admin's messages as registerTrads hands them over (ids prefixed with the plugin id); a missing id throws. */
export const adminIntl = (locale: 'en' | 'fr') =>
  createIntl({
    locale,
    messages: Object.fromEntries(Object.entries((locale === 'en' ? en : fr) as Record<string, string>).map(([key, value]) => [getTranslation(key), value])),
    onError: (error) => {
      throw error;
    },
  });
