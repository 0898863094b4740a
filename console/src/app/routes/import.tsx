export { ImportScreen as Component } from '../../features/imports/components/import-screen.tsx';
