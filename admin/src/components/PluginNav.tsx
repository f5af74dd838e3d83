import { Divider } from '@strapi/design-system';
import { SubNav } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { PLUGIN_ID } from '../pluginId';
import { getTranslation } from '../utils/getTranslation';

/** The plugin's side navigation (as the Content Manager's and the settings' own): its pages the admin may open. */
export const PluginNav = () => {
  const { formatMessage } = useIntl();
  const { canRead, canVisitors, canExperiments } = usePluginPermissions();
  const title = formatMessage({ id: getTranslation('plugin.name'), defaultMessage: 'Personalize' });
  const links = [
    canRead ? { to: `/plugins/${PLUGIN_ID}`, end: true, label: formatMessage({ id: getTranslation('nav.audiences'), defaultMessage: 'Audiences' }) } : null,
    canExperiments
      ? {
          to: `/plugins/${PLUGIN_ID}/experiments`,
          end: false,
          label: formatMessage({ id: getTranslation('nav.experiments'), defaultMessage: 'Experiments' }),
        }
      : null,
    canVisitors
      ? { to: `/plugins/${PLUGIN_ID}/visitors`, end: false, label: formatMessage({ id: getTranslation('nav.visitors'), defaultMessage: 'Visitors' }) }
      : null,
  ].filter((link): link is { to: string; end: boolean; label: string } => link !== null);

  return (
    <SubNav.Main aria-label={title}>
      <SubNav.Header label={title} />
      <Divider />
      <SubNav.Content>
        <SubNav.Sections>
          {[
            <SubNav.Section key="pages" label={formatMessage({ id: getTranslation('nav.section'), defaultMessage: 'Tools' })}>
              {links.map((link) => (
                <SubNav.Link key={link.to} to={link.to} end={link.end} label={link.label}>
                  {link.label}
                </SubNav.Link>
              ))}
            </SubNav.Section>,
          ]}
        </SubNav.Sections>
      </SubNav.Content>
    </SubNav.Main>
  );
};
