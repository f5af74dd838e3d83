import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';

import { AudiencesPage } from './AudiencesPage';

const READ_PERMISSIONS = [{ action: 'plugin::personalize.read', subject: null }];

export const App = () => (
  <Page.Protect permissions={READ_PERMISSIONS}>
    <Routes>
      <Route index element={<AudiencesPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default App;
