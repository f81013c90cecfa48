import { createApp } from 'vue';
import 'gym-access-qr/define.js';
import MemberCode from './MemberCode.vue';

createApp(MemberCode, { customerId: '1234567' }).mount('#app');
