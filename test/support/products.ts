/** A tiered savings product in USD. */
export const savingsDefinition = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: 'Tiered saver',
  type: 'SAVINGS',
  currency: 'USD',
  interest: {
    rate: '0.01',
    tiers: [
      { from: { amount: '0.00', currency: 'USD' }, rate: '0.01' },
      { from: { amount: '10000.00', currency: 'USD' }, rate: '0.02' },
      { from: { amount: '50000.00', currency: 'USD' }, rate: '0.03' },
    ],
    dayCount: 'ACTUAL_365',
  },
  fees: [
    {
      type: 'FIXED',
      name: 'Withdrawal fee',
      trigger: 'WITHDRAWAL',
      amount: { amount: '1.50', currency: 'USD' },
    },
    {
      type: 'PERCENTAGE',
      name: 'Large withdrawal',
      trigger: 'WITHDRAWAL',
      rate: '0.001',
      minimum: { amount: '0.10', currency: 'USD' },
      maximum: { amount: '5.00', currency: 'USD' },
    },
  ],
  ...extra,
});
