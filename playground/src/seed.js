'use strict';

const { seedDemo } = require('./demo');

/**
 * Demo content for the playground: public read access to articles, a French locale, a dev-only
 * admin user, an audience, and two articles with realistic variants. Runs once: it does nothing
 * when articles already exist. The demo site's article (./demo.js) is added on its own, once.
 */

const PUBLIC_ACTIONS = [
  'api::article.article.find',
  'api::article.article.findOne',
  'api::author.author.find',
  'api::author.author.findOne',
  'api::homepage.homepage.find',
];

const grantPublicRead = async (strapi) => {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
  if (!role) return;
  for (const action of PUBLIC_ACTIONS) {
    const existing = await strapi.db.query('plugin::users-permissions.permission').findOne({ where: { action, role: role.id } });
    if (!existing) {
      await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
    }
  }
};

const ensureLocale = async (strapi, code, name) => {
  const locales = strapi.plugin('i18n').service('locales');
  if (!(await locales.findByCode(code))) await locales.create({ code, name });
};

/** A super admin from env, for local development only (never in production). */
const ensureDevAdmin = async (strapi) => {
  if (process.env.NODE_ENV === 'production') return;
  if ((await strapi.db.query('admin::user').count()) > 0) return;
  const email = process.env.PLAYGROUND_ADMIN_EMAIL || 'admin@example.com';
  const password = process.env.PLAYGROUND_ADMIN_PASSWORD || 'Playground123!';
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  if (!superAdmin) return;
  await strapi.service('admin::user').create({
    email,
    firstname: 'Playground',
    lastname: 'Admin',
    password,
    isActive: true,
    roles: [superAdmin.id],
  });
  strapi.log.info(`[playground] created the dev admin ${email} (password from PLAYGROUND_ADMIN_PASSWORD or the README default)`);
};

const ARTICLES = [
  {
    en: {
      title: 'Plan your next trip in five minutes',
      slug: 'plan-your-next-trip',
      summary: 'Everything you need to book a weekend away, without the tabs.',
      body: 'Pick a date, pick a place, and we handle the rest. No hidden fees.',
      cta: 'Start planning',
      discountPercent: 0,
      seo: { metaTitle: 'Plan your next trip', metaDescription: 'Book a weekend away in five minutes.' },
      variants: {
        variants: [
          {
            id: 'v_quick_exit',
            name: 'Hesitant mobile visitor',
            enabled: true,
            // Left a page quickly this session (within 10 s, no click, under a quarter scrolled): the
            // SDK's behavior.quickExits. Not this page's dwell, which is not measured yet at load.
            condition: {
              and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '>=': [{ var: 'behavior.quickExits' }, 1] }],
            },
            overrides: { title: 'Still deciding? Here is 10% off', cta: 'Get my discount', discountPercent: 10 },
          },
          {
            id: 'v_campaign_return',
            name: 'Returning visitor from the spring campaign',
            enabled: true,
            condition: { audience: 'returning-campaign' },
            overrides: {
              title: 'Welcome back: your spring offer is waiting',
              summary: 'You were here for the spring sale. It ends Sunday.',
              cta: 'Claim my offer',
            },
          },
          {
            id: 'v_compared_plans',
            name: 'Compared our plans',
            enabled: true,
            condition: { in: ['pricing', { var: 'behavior.recentlyViewed' }] },
            overrides: { cta: 'See which plan fits you' },
          },
        ],
      },
    },
    fr: {
      title: 'Préparez votre prochain voyage en cinq minutes',
      slug: 'preparez-votre-prochain-voyage',
      summary: 'Tout pour réserver un week-end, sans les onglets.',
      body: 'Choisissez une date, un lieu, on s’occupe du reste.',
      cta: 'Commencer',
      variants: {
        variants: [
          {
            id: 'v_quick_exit',
            name: 'Visiteur mobile hésitant',
            enabled: true,
            condition: {
              and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '>=': [{ var: 'behavior.quickExits' }, 1] }],
            },
            overrides: { title: 'Vous hésitez ? Voici 10 % de réduction', cta: 'Profiter de la réduction' },
          },
        ],
      },
    },
  },
  {
    en: {
      title: 'Our plans, side by side',
      slug: 'pricing',
      summary: 'Three plans, no surprises.',
      body: 'Starter, Team and Business: compare what each includes.',
      cta: 'Compare plans',
      variants: {
        variants: [
          {
            id: 'v_weekend',
            name: 'Weekend browser',
            enabled: true,
            condition: { '==': [{ var: 'time.isWeekend' }, true] },
            overrides: { summary: 'Three plans, no surprises. Try any of them free this weekend.' },
          },
        ],
      },
    },
  },
];

const HOMEPAGE = {
  headline: 'Trips worth taking, planned in minutes',
  tagline: 'Weekend breaks and long journeys, without the tabs.',
  cta: 'Find my next trip',
  internalNote: 'Editors only: the spring campaign runs until the end of April.',
  seo: { metaTitle: 'Plan your next trip', metaDescription: 'Weekend breaks and long journeys, planned in minutes.' },
  variants: {
    variants: [
      {
        id: 'v_headline_b',
        name: 'Headline test: the shorter headline, for half of the visitors',
        enabled: true,
        // flagd's fractional buckets on the visitor id and the entry (`<uid>:<documentId>`).
        condition: { '==': [{ fractional: [['a', 50], ['b', 50]] }, 'b'] },
        overrides: { headline: 'Your next trip, in five minutes' },
      },
      {
        id: 'v_mobile',
        name: 'Mobile visitor',
        enabled: true,
        condition: { '==': [{ var: 'context.device' }, 'mobile'] },
        overrides: { cta: 'Plan on the go' },
      },
    ],
  },
};

const seedHomepage = async (strapi) => {
  const homepage = strapi.documents('api::homepage.homepage');
  if (await homepage.findFirst({})) return;
  const created = await homepage.create({ data: HOMEPAGE });
  await homepage.publish({ documentId: created.documentId });
};

const seed = async (strapi) => {
  await grantPublicRead(strapi);
  await ensureLocale(strapi, 'fr', 'French (fr)');
  await ensureDevAdmin(strapi);

  await seedHomepage(strapi);
  const articles = strapi.documents('api::article.article');
  // The demo site's article (/demo/) comes last, and is added to a playground seeded before it existed.
  if ((await articles.count({})) > 0) return seedDemo(strapi);

  const author = await strapi.documents('api::author.author').create({
    data: { name: 'Camille Martin', bio: 'Travel editor.' },
  });
  const audiences = strapi.documents('plugin::personalize.audience');
  if (!(await audiences.findFirst({ filters: { key: 'returning-campaign' } }))) {
    await audiences.create({
      data: {
        name: 'Returning visitor from the spring campaign',
        key: 'returning-campaign',
        description: 'Not a first session, and arrived through the spring-sale campaign.',
        condition: {
          and: [
            { '==': [{ var: 'session.isNew' }, false] },
            { '==': [{ var: 'context.utm.campaign' }, 'spring-sale'] },
          ],
        },
      },
    });
  }

  for (const localized of ARTICLES) {
    const created = await articles.create({ locale: 'en', data: { ...localized.en, author: author.documentId } });
    await articles.publish({ documentId: created.documentId, locale: 'en' });
    if (localized.fr) {
      await articles.update({ documentId: created.documentId, locale: 'fr', data: localized.fr });
      await articles.publish({ documentId: created.documentId, locale: 'fr' });
    }
  }
  strapi.log.info(`[playground] seeded ${ARTICLES.length} demo articles with variants`);
  await seedDemo(strapi);
};

module.exports = { seed };
