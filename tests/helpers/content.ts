import type { Core } from '@strapi/strapi';

export const ARTICLE_UID = 'api::article.article';

export interface ArticleInput {
  title: string;
  summary?: string;
  cta?: string;
  discountPercent?: number;
  author?: string;
  seo?: { metaTitle?: string; metaDescription?: string };
  variants?: unknown;
  [field: string]: unknown;
}

/** Creates an article through the document service and publishes it unless `publish: false`. */
export const createArticle = async (
  strapi: Core.Strapi,
  data: ArticleInput,
  options: { locale?: string; publish?: boolean } = {}
): Promise<{ documentId: string }> => {
  const locale = options.locale ?? 'en';
  const articles = strapi.documents(ARTICLE_UID);
  const created = await articles.create({ locale, data: data as never });
  if (options.publish !== false) await articles.publish({ documentId: created.documentId, locale });
  return { documentId: created.documentId };
};

/** Adds (and publishes) another locale of an existing article. */
export const addLocale = async (strapi: Core.Strapi, documentId: string, locale: string, data: ArticleInput) => {
  const articles = strapi.documents(ARTICLE_UID);
  await articles.update({ documentId, locale, data: data as never });
  await articles.publish({ documentId, locale });
};

export const mobileQuickExit = {
  id: 'v_quick_exit',
  name: 'Hesitant mobile visitor',
  enabled: true,
  condition: { and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '<': [{ var: 'behavior.dwellSec' }, 10] }] },
  overrides: { title: 'Still deciding? Here is 10% off', cta: 'Get my discount', discountPercent: 10 },
};
