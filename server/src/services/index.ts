import access from './access';
import audiences from './audiences';
import bandit from './bandit';
import cache from './cache';
import conditions from './conditions';
import contentTypes from './content-types';
import experiments from './experiments';
import invalidation from './invalidation';
import overrides from '../delivery/overrides';
import preview from '../delivery/preview';
import programs from './programs';
import rateLimit from './rate-limit';
import redis from './redis';
import delivery from '../delivery/pipeline';
import settings from './settings';
import usage from './usage';
import visitors from './visitors';

const services = {
  access,
  audiences,
  bandit,
  cache,
  conditions,
  'content-types': contentTypes,
  experiments,
  invalidation,
  overrides,
  preview,
  programs,
  'rate-limit': rateLimit,
  redis,
  delivery,
  settings,
  usage,
  visitors,
};

export type Services = { [TName in keyof typeof services]: ReturnType<(typeof services)[TName]> };
export default services;
