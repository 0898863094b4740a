export { MyTasksScreen as Component } from '../../features/tasks/components/my-tasks.tsx';
