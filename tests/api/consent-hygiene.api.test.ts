import { Customer360Document, ProfileByPhoneDocument, ProfilePageDocument, SetSmsStatusDocument, UpsertProfileDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

// Issue 12 §6: movePhones left the phone's consent history on the old profile, and a refused
// setSmsStatus still created a phone-keyed profile.
const PHONE = '+14155552671';

describeEachApp('consent history and refused changes', (getApp) => {
  test('movePhones moves the phone and its consent history', async () => {
    const { client } = await newNamespace(getApp().url);
    const a = (await client.data(UpsertProfileDocument, { input: { email: 'a@example.com', phones: [PHONE] } })).upsertProfile.profile;
    await client.data(SetSmsStatusDocument, { input: { phone: PHONE, status: 'SUBSCRIBED', method: 'SINGLE', source: 'FORM' } });
    const b = (await client.data(UpsertProfileDocument, { input: { email: 'b@example.com', phones: [PHONE], movePhones: true } })).upsertProfile.profile;
    expect(b.phones).toEqual([PHONE]);
    const history = async (id: string) => (await client.data(Customer360Document, { id })).profile.consentHistory.nodes.map((c) => [c.channel, c.phone, c.fromStatus, c.toStatus]);
    expect(await history(b.id)).toEqual([
      ['EMAIL', null, null, 'KNOWN'],
      ['SMS', PHONE, 'KNOWN', 'SUBSCRIBED'],
      ['SMS', PHONE, null, 'KNOWN'],
    ]);
    expect(await history(a.id)).toEqual([['EMAIL', null, null, 'KNOWN']]);
    expect((await client.data(Customer360Document, { id: a.id })).profile.phones).toEqual([]);
  });

  test('a refused setSmsStatus on a new number writes nothing: no phone-keyed profile', async () => {
    const { client } = await newNamespace(getApp().url);
    const refused = await client.request(SetSmsStatusDocument, { input: { phone: PHONE, status: 'SUBSCRIBED', method: 'DOUBLE', source: 'FORM' } });
    expect(refused.errors).toEqual([expect.objectContaining({
      message: 'input.method: a DOUBLE opt-in confirms a PENDING number, but this number is KNOWN; set PENDING first, or use SINGLE',
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    })]);
    expect((await client.request(ProfileByPhoneDocument, { phone: PHONE })).data!.profileByPhone).toBeNull();
    expect((await client.data(ProfilePageDocument, { first: 10 })).profiles.nodes).toEqual([]);
    const allowed = (await client.data(SetSmsStatusDocument, { input: { phone: PHONE, status: 'PENDING', source: 'FORM' } })).setSmsStatus;
    expect(allowed.phones).toEqual([PHONE]);
  });
});
