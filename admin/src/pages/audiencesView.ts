import type { Audience, AudienceUsage, AudienceUses, UsageReport } from '../../../contracts/src/admin/audience';
import { getTranslation, type FormatMessage } from '../utils/getTranslation';

/** One place an audience is used, in words: `Article "Pricing" (en, draft) → Hesitant mobile reader`. */
export const usageText = (use: AudienceUsage, formatMessage: FormatMessage) => {
  const status =
    use.status === 'published'
      ? formatMessage({ id: getTranslation('common.status.published'), defaultMessage: 'published' })
      : formatMessage({ id: getTranslation('common.status.draft'), defaultMessage: 'draft' });
  const values = { contentType: use.contentType, title: use.title ?? use.documentId, locale: use.locale, status, variant: use.variantName };
  return use.locale
    ? formatMessage(
        { id: getTranslation('audiences.usage.entryInLocale'), defaultMessage: '{contentType} "{title}" ({locale}, {status}) → {variant}' },
        values
      )
    : formatMessage({ id: getTranslation('audiences.usage.entry'), defaultMessage: '{contentType} "{title}" ({status}) → {variant}' }, values);
};

export const audienceText = (name: string, formatMessage: FormatMessage) =>
  formatMessage({ id: getTranslation('audiences.usage.audience'), defaultMessage: 'Audience "{name}"' }, { name });

/** Where the audience `key` is used, as the usage report says (the 409's `details` have the same shape). */
export const usesIn = (report: UsageReport, key: string): AudienceUses => ({
  entries: report.entries[key] ?? [],
  audiences: report.audiences[key] ?? [],
});

/** Those uses in words: the variants first, then the audiences (by name where known). */
export const usesInWords = (uses: AudienceUses, audienceNames: Record<string, string>, formatMessage: FormatMessage): string[] => [
  ...uses.entries.map((use) => usageText(use, formatMessage)),
  ...uses.audiences.map((key) => audienceText(audienceNames[key] ?? key, formatMessage)),
];

/**
 * What the delete button asks (docs/design.md, "Admin API": deleting an audience in use is a 409):
 * - `in-use`: a warning naming where the audience is used, with Cancel alone, before any request;
 * - `confirm`: "will be deleted", when it is used nowhere, or when where it is used is not known (the
 *   server still refuses with a 409 that names the uses, shown the same way).
 */
export type DeletePrompt = { kind: 'confirm'; audience: Audience } | { kind: 'in-use'; audience: Audience; uses: string[] };

export const deletePrompt = (
  audience: Audience,
  usage: UsageReport | null,
  audienceNames: Record<string, string>,
  formatMessage: FormatMessage
): DeletePrompt => {
  const uses = usage ? usesInWords(usesIn(usage, audience.key), audienceNames, formatMessage) : [];
  return uses.length > 0 ? { kind: 'in-use', audience, uses } : { kind: 'confirm', audience };
};
