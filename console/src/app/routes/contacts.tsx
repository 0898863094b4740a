export { ContactsScreen as Component } from '../../features/contacts/components/contacts.tsx';
