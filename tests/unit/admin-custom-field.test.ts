/**
 * The variants field as the Content-Type Builder offers it (docs/design.md, "The variants field"): the
 * server makes every variants field private whatever its schema says, so the builder offers no
 * "Private" checkbox that would suggest otherwise, and the field's own description (en, fr) says so.
 * Held against Strapi's own custom-field registry, which the admin calls at register.
 */
import fs from 'node:fs';
import path from 'node:path';

import { VARIANTS_CUSTOM_FIELD_UID } from '../../contracts/src/variants/schema';
import { variantsCustomField } from '../../admin/src/customField';

const ROOT = path.resolve(__dirname, '../..');
const messagesOf = (locale: string) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations', `${locale}.json`), 'utf8')) as Record<string, string>;
const EN = messagesOf('en');
const FR = messagesOf('fr');
/** The plugin's translations are registered under `personalize.<key>`. */
const keyOf = (id: string) => id.replace(/^personalize\./, '');

// Strapi's admin registry of custom fields (what app.customFields.register runs), CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CustomFields } = require(
  path.join(ROOT, 'node_modules/@strapi/admin/dist/admin/admin/src/core/apis/CustomFields.js')
) as {
  CustomFields: new () => { register(field: unknown): void; get(uid: string): unknown };
};

/** Every option item the builder would show, through sections. */
const optionItems = (options: unknown): Array<{ name?: string }> => {
  if (!options || typeof options !== 'object') return [];
  return Object.values(options as Record<string, unknown>).flatMap((sections) =>
    Array.isArray(sections)
      ? sections.flatMap((section: { items?: unknown[]; name?: string }) =>
          section.items ? (section.items as Array<{ name?: string }>) : [section]
        )
      : []
  );
};

describe('the variants custom field in the Content-Type Builder', () => {
  it('is the field the server registers, and Strapi’s registry accepts it', () => {
    expect(`plugin::${variantsCustomField.pluginId}.${variantsCustomField.name}`).toBe(VARIANTS_CUSTOM_FIELD_UID);
    expect(variantsCustomField.type).toBe('json');
    const registry = new CustomFields();
    registry.register(variantsCustomField);
    expect(registry.get(VARIANTS_CUSTOM_FIELD_UID)).toBeDefined();
  });

  it('offers no “Private” checkbox: the field is always private', () => {
    const options = (variantsCustomField as { options?: unknown }).options;
    expect(optionItems(options).map((item) => item.name)).not.toContain('private');
  });

  it('has its label and description in en and fr, the description saying it is always private', () => {
    const { intlLabel, intlDescription } = variantsCustomField;
    for (const descriptor of [intlLabel, intlDescription]) {
      expect(EN[keyOf(descriptor.id)]).toBe(descriptor.defaultMessage);
      expect(FR[keyOf(descriptor.id)]).toEqual(expect.any(String));
    }
    expect(EN[keyOf(intlDescription.id)]).toMatch(/always private/i);
    expect(FR[keyOf(intlDescription.id)]).toMatch(/toujours privé/i);
  });
});
