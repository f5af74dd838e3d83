import { Layouts, Page } from '@strapi/strapi/admin';
import { Navigate, Route, Routes } from 'react-router-dom';

import { PluginNav } from '../components/PluginNav';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { MENU_PERMISSIONS, PERMISSIONS } from '../utils/api';
import { AudiencesPage } from './AudiencesPage';
import { VisitorsPage } from './VisitorsPage';

/** The plugin's landing page: the audiences, or the visitors for those who may only look up visitors. */
const Landing = () => {
  const { isLoading, canRead, canVisitors } = usePluginPermissions();
  if (isLoading) return <Page.Loading />;
  if (!canRead && canVisitors) return <Navigate to="visitors" replace />;
  return (
    <Page.Protect permissions={PERMISSIONS.read}>
      <AudiencesPage />
    </Page.Protect>
  );
};

export const App = () => (
  <Page.Protect permissions={MENU_PERMISSIONS}>
    <Layouts.Root sideNav={<PluginNav />}>
      <Routes>
        <Route index element={<Landing />} />
        <Route
          path="visitors"
          element={
            <Page.Protect permissions={PERMISSIONS.visitors}>
              <VisitorsPage />
            </Page.Protect>
          }
        />
        <Route path="*" element={<Page.Error />} />
      </Routes>
    </Layouts.Root>
  </Page.Protect>
);

export default App;
