/**
 * The demo site's one script: the plugin's browser SDK (built, served by the playground at
 * /demo/sdk.mjs), a consent banner, the demo article resolved for this visitor, and a "why" box
 * with the reason Strapi gave and the visitor's profile. Plain DOM, no framework.
 */
import { createPersonalize } from '/demo/sdk.mjs';

const UID = 'api::article.article';
const SLUG = 'demo-hesitant';
/** The site's own record of the visitor's answer (a consent manager would keep it). */
const CONSENT_KEY = 'pz_demo_consent';

/** The variants of the demo article, in words (the variants field is private: the page cannot read it). */
const VARIANTS = {
  v_hiking_fan: {
    name: 'Reads about hiking',
    when: 'your profile has an interest in hiking (profile.interests.hiking ≥ 0.5: a qualified view of the route card is 1); it comes first',
  },
  v_hesitant: {
    name: 'Hesitant visitor',
    when: 'you left an earlier page within 10 s without clicking or scrolling a quarter of it (behavior.quickExits ≥ 1 this session, or profile.quickExits ≥ 0.5)',
  },
};

const $ = (id) => document.getElementById(id);
const h = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};
const number = (value) => (typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : String(value));
const signalsText = (signals) =>
  Object.entries(signals ?? {})
    .map(([path, value]) => `${path} = ${Array.isArray(value) ? `[${value.join(', ')}]` : number(value)}`)
    .join(', ');

const readAnswer = () => {
  try {
    return localStorage.getItem(CONSENT_KEY);
  } catch {
    return null;
  }
};
const answer = readAnswer();
const given = answer === 'accepted' ? true : answer === 'refused' ? false : null;

// A reload starts at the top: a restored scroll position would count as scrolling (no quick exit).
history.scrollRestoration = 'manual';

// Same origin as Strapi: baseUrl '' (no CORS). Exposed for the curious (and the end-to-end test).
const pz = createPersonalize({ baseUrl: '', consent: { events: given, profiling: given } });
window.pz = pz;
const demo = (window.demo = { ready: false });

// --- Consent banner -------------------------------------------------------------------------------

const showBanner = (show) => {
  $('consent').hidden = !show;
  document.body.classList.toggle('with-banner', show);
};
const consentText = () => {
  const { events, profiling } = pz.consent;
  $('change-consent').hidden = events === null;
  $('erase').hidden = !events;
  if (events === null) return 'Consent: not asked yet.';
  return events && profiling ? 'Consent: accepted.' : 'Consent: refused: nothing is sent or stored.';
};
const choose = async (yes) => {
  // Withdrawing an earlier yes: what Strapi stored goes too (the SDK forgets the visitor by itself).
  if (!yes && pz.consent.events) await pz.erase().catch(() => undefined);
  try {
    localStorage.setItem(CONSENT_KEY, yes ? 'accepted' : 'refused');
  } catch {
    // storage blocked: the answer lasts for this page
  }
  pz.setConsent({ events: yes, profiling: yes });
  showBanner(false);
  $('consent-state').textContent = consentText();
  await pz.flush(); // what waited for the answer goes now, so the profile below shows it
  await showProfile();
};
$('accept').addEventListener('click', () => choose(true));
$('refuse').addEventListener('click', () => choose(false));
$('change-consent').addEventListener('click', () => showBanner(true));
$('erase').addEventListener('click', async () => {
  if (pz.consent.events) await pz.erase();
  pz.setConsent({ events: null, profiling: null }); // forget the answer: the next page asks again
  try {
    localStorage.removeItem(CONSENT_KEY);
  } catch {
    // nothing stored
  }
  location.reload();
});

// --- The article ----------------------------------------------------------------------------------

/**
 * The body is Markdown with `## ` headings and paragraphs: enough for the demo, as text (never HTML). The
 * route card goes after the last "Day" section: a reader's scroll away from the title.
 */
const renderBody = (markdown) => {
  const body = $('body');
  const route = $('route');
  body.replaceChildren();
  let days = false;
  for (const block of String(markdown ?? '').split(/\n\s*\n/)) {
    const text = block.replace(/\s*\n\s*/g, ' ').trim();
    if (!text) continue;
    const heading = text.startsWith('## ');
    if (heading && days && !text.startsWith('## Day') && route.parentElement !== body) body.append(route);
    if (heading) days = text.startsWith('## Day');
    body.append(heading ? h('h2', text.slice(3)) : h('p', text));
  }
  if (route.parentElement !== body) body.append(route);
  route.hidden = false;
};

const renderArticle = (data, personalize) => {
  for (const entry of [$('entry'), $('route')]) {
    entry.setAttribute('data-pz-variant', personalize.variant ?? '');
    // Set last: the SDK watches this attribute, and counts a qualified view (≥ 50 % visible for 1 s).
    entry.setAttribute('data-pz-entry', `${UID}:${data.documentId}`);
  }
  $('article').removeAttribute('aria-busy');
  $('title').textContent = data.title;
  $('summary').textContent = data.summary ?? '';
  $('cta').textContent = data.cta ?? 'Read more';
  $('cta').hidden = false;
  renderBody(data.body);
};

$('cta').addEventListener('click', (event) => {
  event.preventDefault(); // a click on the call to action still counts (behavior.clicks, a `click` event)
  // The goal of the demo experiment ("book_huts", see playground/src/demo.js): kept only with consent.
  pz.track('book_huts');
  $('cta-note').hidden = false;
});

// --- Why -------------------------------------------------------------------------------------------

const reasonItem = (entry, chosen) => {
  const name = (id) => `“${VARIANTS[id]?.name ?? id}”`;
  if (entry.rule === 'missing-signal') return `${name(entry.variant)} not served: no ${entry.signals.join(', ')} yet.`;
  if (entry.rule === 'capped') return `${name(entry.variant)} passed over: its frequency cap is used up.`;
  if (entry.rule === 'fatigue') return `Enough personalization for this session (${entry.served} of ${entry.max}).`;
  if (entry.rule === 'profile-unavailable') return 'Your profile could not be read: served without it.';
  if (entry.rule === 'experiment') {
    return entry.variants.length === 0
      ? `You are in the control group of experiment “${entry.experiment}”: the article as published.`
      : `You are in group “${entry.arm}” of experiment “${entry.experiment}”: only ${entry.variants.map(name).join(', ')} could apply.`;
  }
  const seen = signalsText(entry.signals);
  return `${chosen ? `${name(chosen)}: ` : ''}the test “${entry.rule}” ${entry.result ? 'held' : 'did not hold'}${seen ? ` with ${seen}` : ''}.`;
};

const renderWhy = (personalize) => {
  const variant = personalize.variant;
  const line = $('why-variant');
  line.replaceChildren();
  if (variant) {
    line.append('Variant ', h('b', VARIANTS[variant]?.name ?? variant), ' ', h('code', variant));
    if (VARIANTS[variant]) line.append(`, served because ${VARIANTS[variant].when}.`);
  } else {
    line.append(h('b', 'The article as published'), ': no variant matched you (yet).');
  }
  const list = $('why-reasons');
  list.replaceChildren(...(personalize.reason ?? []).map((entry) => h('li', reasonItem(entry, variant))));
  list.hidden = !list.children.length;
};

const renderLive = () => {
  const { behavior, session } = pz.signals();
  // The SDK leaves a signal out until it is measured on this page view (its first engaged second, a scroll, a click).
  const { dwellSec = 0, scrollDepth, clicks = 0 } = behavior;
  const quick = dwellSec < 10 && clicks === 0 && (scrollDepth ?? 0) < 25;
  $('live').replaceChildren(
    behavior.dwellSec === undefined
      ? 'Not measured yet: dwell, scroll and clicks are sent from your first second on the page.'
      : `${dwellSec.toFixed(0)} s engaged · scrolled ${scrollDepth} % · ${clicks} click${clicks === 1 ? '' : 's'}`,
    h('br'),
    quick ? 'Leaving now would count as a quick exit.' : 'Leaving now is not a quick exit.',
    h('br'),
    h('span', `Quick exits this session: ${behavior.quickExits ?? 0}, page views: ${session.pageviews ?? 0}.`, 'muted')
  );
};

const eventText = (event) => {
  switch (event.type) {
    case 'page':
      return `page ${event.path ?? ''}`;
    case 'view':
    case 'click':
    case 'hover':
    case 'dismiss':
      return `${event.type}${event.tags?.length ? ` [${event.tags.join(', ')}]` : ''}${event.variant ? ` of ${event.variant}` : ''}`;
    case 'engage':
      return `engage: ${event.dwellSec} s, scrolled ${event.scrollDepth} %, ${event.clicks} click(s)${event.quickExit ? ', quick exit' : ''}`;
    default:
      return `${event.type} ${event.name ?? ''}`;
  }
};

const showProfile = async () => {
  let exported;
  try {
    exported = (await pz.exportData()).data;
  } catch (error) {
    $('profile').replaceChildren(h('dt', 'Profile'), h('dd', `could not be read (${error.message})`));
    return;
  }
  demo.exported = exported;
  const decayed = exported.decayed;
  const rows = decayed
    ? [
        ['Visits', decayed.visits],
        [
          'Interests',
          Object.entries(decayed.interests)
            .map(([tag, score]) => `${tag} ${number(score)}`)
            .join(', ') || 'none yet',
        ],
        ['Quick exits', number(decayed.quickExits)],
        ['Recently viewed', `${decayed.recentlyViewed.length} entr${decayed.recentlyViewed.length === 1 ? 'y' : 'ies'}`],
      ]
    : [
        [
          'Profile',
          pz.consent.events ? 'none yet: your first events are on their way' : 'none: nothing is stored without your consent.',
        ],
      ];
  $('profile').replaceChildren(...rows.flatMap(([term, value]) => [h('dt', term), h('dd', String(value))]));
  const events = (exported.events ?? []).slice(-6).reverse();
  $('events').replaceChildren(...events.map((event) => h('li', eventText(event))));
  $('events').hidden = !events.length;
  $('raw').textContent = JSON.stringify(exported, null, 2);
};

// --- Start ---------------------------------------------------------------------------------------

const start = async () => {
  showBanner(pz.consent.events === null);
  $('consent-state').textContent = consentText();
  try {
    const found = await fetch(`/api/articles?filters[slug][$eq]=${SLUG}&fields[0]=title`).then((response) => response.json());
    const documentId = found.data?.[0]?.documentId;
    if (!documentId) throw new Error(`no published article "${SLUG}": start the playground with its seed (npm run develop)`);
    const { data, meta } = await pz.resolve({ uid: UID, documentId });
    Object.assign(demo, { data, meta });
    renderArticle(data, meta.personalize);
    renderWhy(meta.personalize);
  } catch (error) {
    $('title').textContent = 'The demo article could not be loaded';
    $('summary').textContent = error.message;
    demo.error = error.message;
  }
  renderLive();
  setInterval(renderLive, 1000);
  await showProfile();
  demo.ready = true;
};

start();
