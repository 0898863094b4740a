import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout.tsx';

/**
 * One entry per screen, each loaded when first visited (the first screen's bundle stays small).
 * Part 2 adds its screens here and in the navigation.
 */
export const router = createBrowserRouter(
  [
    { path: '/sign-in', lazy: () => import('./routes/sign-in.tsx') },
    { path: '/callback', lazy: () => import('./routes/callback.tsx') },
    {
      element: <AppLayout />,
      children: [
        { index: true, element: <Navigate to="/board" replace /> },
        { path: '/board', lazy: () => import('./routes/board.tsx') },
        { path: '/deals', lazy: () => import('./routes/deals.tsx') },
        { path: '/deals/new', lazy: () => import('./routes/new-deal.tsx') },
        { path: '/deals/:id', lazy: () => import('./routes/deal.tsx') },
        { path: '/contacts', lazy: () => import('./routes/contacts.tsx') },
        { path: '/contacts/:id', lazy: () => import('./routes/contact.tsx') },
        { path: '/companies', lazy: () => import('./routes/companies.tsx') },
        { path: '/companies/:id', lazy: () => import('./routes/company.tsx') },
        { path: '/products', lazy: () => import('./routes/products.tsx') },
        { path: '/settings', lazy: () => import('./routes/settings.tsx') },
        { path: '*', lazy: () => import('./routes/not-found.tsx') },
      ],
    },
  ],
  { basename: import.meta.env.BASE_URL.replace(/\/$/, '') },
);
