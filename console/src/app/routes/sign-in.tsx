export { SignInScreen as Component } from '../../features/auth/components/sign-in.tsx';
