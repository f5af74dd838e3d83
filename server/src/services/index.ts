import access from './access';
import audiences from './audiences';
import conditions from './conditions';
import contentTypes from './content-types';
import resolver from './resolver';
import settings from './settings';
import usage from './usage';

const services = {
  access,
  audiences,
  conditions,
  'content-types': contentTypes,
  resolver,
  settings,
  usage,
};

export type Services = { [TName in keyof typeof services]: ReturnType<(typeof services)[TName]> };
export default services;
