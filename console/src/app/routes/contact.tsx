export { ContactScreen as Component } from '../../features/contacts/components/contacts.tsx';
