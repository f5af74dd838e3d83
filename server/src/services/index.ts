import access from './access';
import audiences from './audiences';
import cache from './cache';
import conditions from './conditions';
import contentTypes from './content-types';
import invalidation from './invalidation';
import overrides from './overrides';
import programs from './programs';
import rateLimit from './rate-limit';
import redis from './redis';
import resolver from './resolver';
import settings from './settings';
import signals from './signals';
import usage from './usage';

const services = {
  access,
  audiences,
  cache,
  conditions,
  'content-types': contentTypes,
  invalidation,
  overrides,
  programs,
  'rate-limit': rateLimit,
  redis,
  resolver,
  settings,
  signals,
  usage,
};

export type Services = { [TName in keyof typeof services]: ReturnType<(typeof services)[TName]> };
export default services;
