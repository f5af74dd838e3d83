'use strict';

/**
 * The demo site (playground/public/demo/, served by `strapi::public` at /demo/): its article, and
 * the route that hands the page the plugin's built browser SDK (dist/client/index.mjs) as
 * /demo/sdk.mjs, read from dist/ on each request so `npm run watch` rebuilds show up on reload.
 */

const fs = require('fs');
const path = require('path');

const SDK = path.resolve(__dirname, '../../dist/client/index.mjs');
const DEMO_SLUG = 'demo-hesitant';

/** GET /demo/sdk.mjs → the built SDK (ESM); 503 with a hint when the plugin is not built. */
const serveDemoSdk = (strapi) => {
  strapi.server.routes([
    {
      method: 'GET',
      path: '/demo/sdk.mjs',
      handler(ctx) {
        let source;
        try {
          source = fs.readFileSync(SDK, 'utf8');
        } catch {
          ctx.status = 503;
          ctx.type = 'text/plain';
          ctx.body = 'dist/client/index.mjs is missing: run `npm run build` in the plugin repository.';
          return;
        }
        ctx.type = 'text/javascript; charset=utf-8';
        ctx.set('cache-control', 'no-cache');
        ctx.body = source;
      },
      config: { auth: false },
    },
  ]);
};

const BODY = `## Day 1: Les Houches to the Col de Voza

The first climb is the hardest, and the most beautiful: 800 metres up through larch woods, with the
Bionnassay glacier opening up above you. Take it slowly; there is a café at the col and a little
train back down if the weather turns.

Sleep at the Auberge du Truc, a farm that has fed hikers for a century. The cheese is their own, and
so is the view of the Dômes de Miage at sunset.

## Day 2: over the Col du Bonhomme

The long day. Leave the hut before eight, fill your bottles at the chapel of Notre-Dame de la Gorge,
and count on six hours of walking. The old Roman road climbs in wide steps through the forest, then
across open pasture where marmots whistle at you from every boulder.

The last hour is a gentle traverse to the Refuge de la Croix du Bonhomme, at 2 433 metres. Dinner is
served at seven sharp, at long tables, and you will not be the only one asleep by nine.

## Day 3: down to Les Chapieux

Short and downhill, so your knees will do the work: poles help. The path drops through flowers in
July, past shepherds' huts where you can buy a Beaufort that never reaches the shops.

From Les Chapieux a bus takes you to Bourg-Saint-Maurice and the train, in time for a late lunch and
a nap on the way home.

## Getting there

Take the train to Saint-Gervais-Les-Bains, then the Mont-Blanc Express or the bus to Les Houches: the
trailhead is a ten-minute walk from the station. From Geneva airport, a shuttle takes an hour and a
half.

Leave the car at home: the walk ends in another valley, and the buses and trains between the two run
all summer, twice an hour at the busiest times.

## Where to eat

The huts serve dinner and breakfast, and most will make you a packed lunch if you ask the evening
before. On the second day there is nothing between the huts, so carry enough food for the whole walk.

In Les Houches, the bakery by the church opens at seven: buy bread, a slice of tart and a lump of
Tomme for the first day, and you will not need anything else until dinner.

## What to pack

A 30-litre bag is enough: the huts give you a blanket and dinner. Bring a sleeping-bag liner, a
headlamp, a warm layer, a rain jacket, two litres of water, cash (few huts take cards) and blister
plasters. Leave the tent at home.

Wear boots you have already walked in, and pack a pair of light shoes for the evening. Sun cream
and a hat matter more than you think above 2 000 metres, even on a cloudy day.

## How fit do you need to be?

If you can walk five hours with a light bag, you can do this. The paths are steep in places but never
exposed, and there is nothing to climb with your hands.

Walk an hour or two a week for a month before you go, with the boots you will wear. Add a few flights
of stairs if you live somewhere flat: your legs will thank you on the second morning.

## When to go

Mid-June to mid-September, when the huts are open. July is busiest and most colourful; September is
quieter, cooler and often clearer.

In early June, snow can linger on the Col du Bonhomme: ask the hut the week before, and carry
microspikes if they tell you to.

## Booking the huts

Each hut takes bookings on its own website or by phone. Ask for half board (dinner, bed and
breakfast), and say if you need a vegetarian meal. Book in April for July and August.

Cancel early if your plans change: the huts are small, and someone else is waiting for your bed.`;

/**
 * The demo's two variants, in priority order (README, "the demo site": step 1 shows the second, step 2 the
 * first). The reader comes first: a visitor who read on is no longer treated as hesitant.
 */
const DEMO_VARIANTS = [
  {
    id: 'v_hiking_fan',
    name: 'Reads about hiking',
    enabled: true,
    // Qualified views of elements tagged "hiking": on the demo page only the route card after day 3 is
    // (a reader's scroll away from the title), so a glance at the page never builds this interest.
    condition: { '>=': [{ var: 'profile.interests.hiking' }, 0.5] },
    overrides: {
      summary: 'You have been reading about hiking: here is the route we would pick for you, with the huts already chosen.',
    },
  },
  {
    id: 'v_hesitant',
    name: 'Hesitant visitor (left a page quickly)',
    enabled: true,
    // An earlier page view that ended within 10 s, without a click or scrolling a quarter of the page:
    // this session (counted by the SDK), or in the last day or so (the visitor's profile). Never this
    // page view's own dwell: at load it is not measured yet (docs/sdk.md, "What is measured").
    condition: {
      or: [{ '>=': [{ var: 'behavior.quickExits' }, 1] }, { '>=': [{ var: 'profile.quickExits' }, 0.5] }],
    },
    overrides: { cta: 'Not sure yet? Get the free route map' },
  },
];

/** The order seeded before the demo's steps were fixed: a playground that still has it gets DEMO_VARIANTS. */
const FORMER_ORDER = 'v_hesitant,v_hiking_fan';

/** One article with two variants that react to how the visitor behaves (README, quick start). */
const DEMO_ARTICLE = {
  title: 'Three days hut to hut in the Alps',
  slug: DEMO_SLUG,
  summary: 'Your first multi-day hike, planned: where to sleep, what to pack, and how fit you need to be.',
  body: BODY,
  cta: 'Book the three huts',
  discountPercent: 0,
  seo: { metaTitle: 'Three days hut to hut in the Alps', metaDescription: 'A first multi-day hike in the Alps, planned.' },
  variants: { variants: DEMO_VARIANTS },
};

/**
 * A draft experiment on the demo article, for editors to try (Personalize → Experiments → Start):
 * does the free route map for hesitant visitors get more of them to the booking button? The demo
 * page sends `book_huts` when the button is clicked.
 */
const DEMO_EXPERIMENT = {
  key: 'demo-route-map',
  name: 'Free route map for hesitant visitors',
  hypothesis: 'Hesitant visitors who are offered the free route map click "Book the three huts" more often.',
  status: 'draft',
  mode: 'ab',
  arms: [
    { key: 'control', name: 'As published', weight: 0.5, variants: [] },
    { key: 'route-map', name: 'Route map offer', weight: 0.5, variants: ['v_hesitant'] },
  ],
  traffic: 1,
  goal: { event: 'book_huts', kind: 'conversion', windowHours: 72 },
};

/** Seeds the demo article once (by slug), also into a playground seeded before the demo existed, and its draft experiment. */
const seedDemo = async (strapi) => {
  const articles = strapi.documents('api::article.article');
  let article = await articles.findFirst({ locale: 'en', filters: { slug: DEMO_SLUG } });
  if (!article) {
    article = await articles.create({ locale: 'en', data: DEMO_ARTICLE });
    await articles.publish({ documentId: article.documentId, locale: 'en' });
    strapi.log.info('[playground] seeded the demo article of the demo site (/demo/)');
  } else if ((article.variants?.variants ?? []).map((variant) => variant.id).join() === FORMER_ORDER) {
    // Seeded before: its hesitant variant kept priority for the whole session, so step 2 never showed.
    await articles.update({ documentId: article.documentId, locale: 'en', data: { variants: DEMO_ARTICLE.variants } });
    await articles.publish({ documentId: article.documentId, locale: 'en' });
    strapi.log.info('[playground] updated the demo article to the README steps (the reader variant first)');
  }
  const experiments = strapi.documents('plugin::personalize.experiment');
  if (await experiments.findFirst({ filters: { key: DEMO_EXPERIMENT.key } })) return;
  await experiments.create({
    data: { ...DEMO_EXPERIMENT, target: { uid: 'api::article.article', documentId: article.documentId, locale: 'en' } },
  });
  strapi.log.info('[playground] seeded a draft experiment on the demo article');
};

module.exports = { serveDemoSdk, seedDemo, DEMO_SLUG };
