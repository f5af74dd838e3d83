/**
 * The Audiences page's delete button (admin/src/pages/audiencesView.ts): an audience in use is
 * warned about before any request, naming where it is used (en and fr), with Cancel alone; one used
 * nowhere, or whose uses are unknown, asks the ordinary confirmation (the server's 409 stays the
 * authority).
 */
import type { Audience, AudienceUsage, UsageReport } from '../../contracts/src/admin/audience';
import { deletePrompt, usesIn, usesInWords } from '../../admin/src/pages/audiencesView';
import { adminIntl } from '../helpers/admin-intl';

const EN = adminIntl('en').formatMessage;
const FR = adminIntl('fr').formatMessage;

const audience = (key: string, name: string): Audience => ({ documentId: `doc-${key}`, key, name, description: '', condition: true });

const mobile = audience('mobile', 'Mobile visitors');
const returning = audience('returning', 'Returning readers');
const unused = audience('unused', 'Nobody yet');
const names = { mobile: 'Mobile visitors', 'mobile-returning': 'Mobile and returning', returning: 'Returning readers' };

const pricingVariant: AudienceUsage = {
  uid: 'api::article.article',
  contentType: 'Article',
  documentId: 'art1',
  locale: 'en',
  status: 'published',
  title: 'Pricing',
  variantId: 'v_hesitant',
  variantName: 'Hesitant mobile reader',
};

const report: UsageReport = {
  entries: { mobile: [pricingVariant, { ...pricingVariant, status: 'draft', locale: null, title: null }] },
  audiences: { mobile: ['mobile-returning'], returning: ['mobile-returning'] },
};

describe('deleting an audience, from the Audiences page', () => {
  it('warns before deleting an audience in use, naming each variant and audience that uses it', () => {
    expect(deletePrompt(mobile, report, names, EN)).toEqual({
      kind: 'in-use',
      audience: mobile,
      uses: [
        'Article "Pricing" (en, published) → Hesitant mobile reader',
        'Article "art1" (draft) → Hesitant mobile reader',
        'Audience "Mobile and returning"',
      ],
    });
    // Named by another audience only: in use all the same.
    expect(deletePrompt(returning, report, names, EN)).toEqual({ kind: 'in-use', audience: returning, uses: ['Audience "Mobile and returning"'] });
  });

  it('says it in French too', () => {
    const prompt = deletePrompt(mobile, report, names, FR);
    expect(prompt.kind).toBe('in-use');
    expect(prompt.kind === 'in-use' && prompt.uses).toEqual([
      'Article « Pricing » (en, publié) → Hesitant mobile reader',
      'Article « art1 » (brouillon) → Hesitant mobile reader',
      'Audience « Mobile and returning »',
    ]);
  });

  it('asks the ordinary confirmation for an audience used nowhere, or whose uses are not known', () => {
    expect(deletePrompt(unused, report, names, EN)).toEqual({ kind: 'confirm', audience: unused });
    expect(deletePrompt(mobile, null, names, EN)).toEqual({ kind: 'confirm', audience: mobile });
  });

  it('reads the 409 details as the report (the same shape): an audience not known by name shows its key', () => {
    expect(usesIn(report, 'unused')).toEqual({ entries: [], audiences: [] });
    expect(usesInWords({ entries: [], audiences: ['gone'] }, names, EN)).toEqual(['Audience "gone"']);
  });
});
