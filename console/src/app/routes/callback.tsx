export { CallbackScreen as Component } from '../../features/auth/components/sign-in.tsx';
