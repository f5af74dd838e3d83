import contentTypes from '../../../content-types';

export default contentTypes;
