export { ProductsScreen as Component } from '../../features/products/components/products.tsx';
