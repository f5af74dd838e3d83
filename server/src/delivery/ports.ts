/**
 * What the delivery pipeline needs from the other wings, as types only (docs/architecture.md, "Import
 * rules"): the stages take these ports as arguments and never look a service up; delivery/index.ts
 * wires them once, from the plugin's services.
 */
import type { LiveExperiment } from '../../../contracts/src/experiments';
import type { CompiledRule, VisitorProfile } from '../../../engine/src';
import type { CacheService } from '../cache/service';
import type { CompiledVariant, ConditionsService } from '../platform/conditions';
import type { ContentTypesService } from '../platform/content-types';
import type { AccessService } from '../platform/access';
import type { MetricsPort } from '../platform/metrics';
import type { RateLimitService } from '../platform/rate-limit';
import type { SettingsService } from '../platform/settings';
import type { OverridesService } from './overrides';
import type { DeliveryService } from './pipeline';
import type { PreviewService } from './preview';
import type { ProgramsService } from './programs';
import type { EffectiveConsent } from '../../../engine/src/profile/consent';
import type { ExposureRequest } from '../../../engine/src/experiments';
import type { Context } from 'koa';

export type { CompiledVariant, LiveExperiment };

/** The experiments in force (the experiments wing's `experiments` service). */
export interface ExperimentsPort {
  /** True when some experiment is running (delivery skips the stage otherwise). */
  anyRunning(): boolean;
  /** Running experiments that target the entry, oldest start first. */
  targeting(uid: string, documentId: string): readonly LiveExperiment[];
  /** Running experiments the variants' conditions reference (`experiment` operator or `experiments.<key>`). */
  referencedBy(program: readonly { variant: { condition?: unknown } }[]): readonly LiveExperiment[];
  /** The eligibility condition, compiled (null: everyone is eligible; 'broken': nobody is). */
  eligibility(experiment: LiveExperiment): CompiledRule | null | 'broken';
  /** A running experiment by key. */
  running(key: string): LiveExperiment | undefined;
}

/** A visitor's stored profile, as delivery reads and counts it (the visitors wing's `visitors` service). */
export interface VisitorsPort {
  read(visitorId: string): Promise<{ profile: VisitorProfile | null } | { unavailable: true }>;
  consentOf(profile: VisitorProfile | null, request: { gpc: boolean }): EffectiveConsent;
  /** The request's Global Privacy Control (`Sec-GPC: 1`). */
  gpcOf(ctx: Pick<Context, 'get'>): boolean;
  signalsOf(profile: VisitorProfile, now: number): unknown;
  /** One personalized serve, counted for each variant's caps (`capKeys`: one per variant served). */
  recordServe(visitorId: string, capKeys: readonly string[], now: number): Promise<unknown>;
  recordExposures(visitorId: string, exposures: ExposureRequest[], now: number): Promise<unknown>;
}

/** The audience library's version (the audiences wing's `audiences` service): compiled programs are kept per version. */
export interface AudiencesPort {
  version(): number;
}

/**
 * Everything delivery needs, wired once in delivery/index.ts: the other wings' services (as ports),
 * the shared rooms' and delivery's own services, so no part of delivery looks a service up by name.
 */
export interface DeliveryPorts {
  visitors: VisitorsPort;
  experiments: ExperimentsPort;
  settings: SettingsService;
  conditions: ConditionsService;
  contentTypes: ContentTypesService;
  cache: CacheService;
  programs: ProgramsService;
  overrides: OverridesService;
  preview: PreviewService;
  /** The pipeline itself (pipeline.ts), for the routes that run it: the plain API and GraphQL. */
  delivery: DeliveryService;
  audiences: AudiencesPort;
  /** Content-API authorization (a route's scope, the caller's credentials). */
  access: AccessService;
  rateLimit: RateLimitService;
  /** Counting (platform/metrics.ts): the Health page's last hour, and Prometheus when metrics.enabled. */
  metrics: MetricsPort;
  /** Strapi's logger, for what the counting stage could not store (it never fails a response). */
  warn(message: string): void;
}
