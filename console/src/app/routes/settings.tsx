export { SettingsScreen as Component } from '../../features/pipelines/components/settings.tsx';
