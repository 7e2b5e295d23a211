// Issue 20 on the phone: a member corrects the name or ID number on their membership from the
// membership page (a document uploaded with it); the approver over their org opens the request
// from the workbench (membership_correction), sees the document's name and the current value,
// and approves (the membership changes) or rejects with a reason, which the member then reads.
import { approvedMember, backend, exists, idNumber, followNavigation, loginAs, openPage, pngFile, requests, tap, dispatch, text, tokenOf, wxShim } from './kit'

const member = (persona: string, seq: number, name: string) => approvedMember(persona, seq, name)

/** The member's correction form, opened from their membership page. */
async function correctionForm(persona: string, membershipId: number) {
  loginAs(persona)
  const detail = await openPage('pages/members/detail', { id: String(membershipId) })
  await tap(detail, '#correct')
  expect(wxShim.nav[wxShim.nav.length - 1].url).toBe(`/pages/members/correction?membership=${membershipId}`)
  return followNavigation()
}

test('a member corrects their name from the membership page; the approver approves it from the workbench', async () => {
  const id = await member('mp-corr-a', 921, '韦小明')
  const form = await correctionForm('mp-corr-a', id)
  expect(text(form, '#registered')).toContain('韦小明')
  await tap(form, '#submit-btn')
  expect(text(form, '#form-error')).toBe('请填写更正后的内容')
  await dispatch(form, '#value', 'input', { value: '韦晓明' })
  await tap(form, '#submit-btn')
  expect(text(form, '#form-error')).toBe('请上传证明材料（如身份证照片）')
  wxShim.media = [pngFile(80, 60, 'idcard-front.png')]
  await tap(form, '#doc-btn')
  expect(text(form, '#doc-picked')).toBe('已上传：idcard-front.png（点此重新上传）')
  await Promise.all([tap(form, '#submit-btn'), tap(form, '#submit-btn')]) // a double tap: one request
  expect(requests('POST', '/me/membership/corrections').map((r) => r.status)).toEqual([201])
  expect(text(form, '#correction-status')).toBe('待审核')
  expect(text(form, '#new-value')).toBe('韦晓明')
  expect(text(form, '#doc-name')).toBe('idcard-front.png')
  expect(exists(form, '#withdraw-btn')).toBe(true)
  expect(exists(form, '#approve-btn')).toBe(false) // nobody reviews their own

  loginAs('officer-banfeng')
  const workbench = await openPage('pages/workbench/index')
  expect(text(workbench, '#kind-membership_correction')).toContain('会员信息更正')
  await tap(workbench, '#kind-membership_correction')
  const correctionId = form.data.one.id
  await tap(workbench, `#todo-membership_correction-${correctionId}`)
  const page = await followNavigation()
  expect(text(page, '#correction-title')).toBe('韦小明 的真实姓名更正申请')
  expect(text(page, '#current-value')).toBe('韦小明')
  expect(text(page, '#new-value')).toBe('韦晓明')
  expect(text(page, '#doc-name')).toBe('idcard-front.png')
  await tap(page, '#reject-btn')
  expect(text(page, '#form-error')).toBe('不通过时请填写原因')
  expect(requests('POST', `/membership-corrections/${correctionId}/decision`)).toHaveLength(0)
  await tap(page, '#approve-btn')
  expect(text(page, '#correction-status')).toBe('已更正')
  expect(exists(page, '#approve-btn')).toBe(false)
  const m = (await backend('GET', `/memberships/${id}`, undefined, await tokenOf('mp-corr-a'))).data
  expect(m.real_name).toBe('韦晓明')
})

test('an ID-number correction: a bad number, one open request at a time, withdraw, and a rejection with its reason', async () => {
  const id = await member('mp-corr-b', 922, '黄二妹')
  const form = await correctionForm('mp-corr-b', id)
  await tap(form, '#field-id_number')
  const good = idNumber(924)
  const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1') // a wrong check digit
  await dispatch(form, '#value', 'input', { value: bad })
  wxShim.media = [pngFile(80, 60, 'hukou.png')]
  await tap(form, '#doc-btn')
  await tap(form, '#submit-btn')
  expect(requests('POST', '/me/membership/corrections').pop()!.status).toBe(422)
  expect(text(form, '#form-error')).toMatch(/[\u4e00-\u9fa5]/)
  expect(exists(form, '#correction-form')).toBe(true)
  const corrected = idNumber(923)
  await dispatch(form, '#value', 'input', { value: corrected })
  await tap(form, '#submit-btn')
  expect(text(form, '#correction-status')).toBe('待审核')
  expect(text(form, '#new-value')).toContain('*') // masked, even to its member
  expect(text(form, '#new-value')).not.toContain(corrected)
  const first = form.data.one

  // one open request at a time: the API's message on a second one
  const again = await correctionForm('mp-corr-b', id)
  await dispatch(again, '#value', 'input', { value: '黄二梅' })
  wxShim.media = [pngFile(80, 60, 'hukou-2.png')]
  await tap(again, '#doc-btn')
  await tap(again, '#submit-btn')
  expect(text(again, '#form-error')).toBe('您已有一个更正申请在审核中，请等待审核结果或先撤回。')

  // the approver opens it (both numbers masked) …
  loginAs('officer-banfeng')
  const review = await openPage('pages/members/correction', { id: String(first.id), kind: 'membership_correction' })
  expect(text(review, '#correction-title')).toBe('黄二妹 的身份证号更正申请')
  expect(text(review, '#current-value')).toMatch(/^4512\*+\d{4}$/)
  expect(text(review, '#new-value')).toContain('*')
  // … meanwhile the member withdraws it
  loginAs('mp-corr-b')
  const mine = await openPage('pages/members/correction', { id: String(first.id) })
  await tap(mine, '#withdraw-btn')
  expect(text(mine, '#correction-status')).toBe('已撤回')
  loginAs('officer-banfeng')
  await tap(review, '#approve-btn')
  expect(requests('POST', `/membership-corrections/${first.id}/decision`).pop()!.status).toBe(409)
  expect(text(review, '#form-error')).toMatch(/[\u4e00-\u9fa5]/)
  expect(text(review, '#correction-status')).toBe('已撤回') // refreshed: nothing left to decide
  expect(exists(review, '#approve-btn')).toBe(false)
  loginAs('mp-corr-b')
  await tap(again, '#submit-btn')
  expect(text(again, '#correction-status')).toBe('待审核')
  const second = again.data.one

  loginAs('officer-banfeng')
  const page = await openPage('pages/members/correction', { id: String(second.id), kind: 'membership_correction' })
  expect(text(page, '#correction-title')).toBe('黄二妹 的真实姓名更正申请')
  expect(text(page, '#doc-name')).toBe('hukou-2.png')
  await dispatch(page, '#decision-reason', 'input', { value: '户口本照片看不清，请重新拍摄' })
  await tap(page, '#reject-btn')
  expect(text(page, '#correction-status')).toBe('未通过')

  loginAs('mp-corr-b')
  const result = await openPage('pages/members/correction', { id: String(second.id) })
  expect(text(result, '#correction-status')).toBe('未通过')
  expect(text(result, '#decision-reason-shown')).toBe('户口本照片看不清，请重新拍摄')
  expect(exists(result, '#withdraw-btn')).toBe(false)

  // another member's request is not theirs to read: the API's message
  loginAs('mp-corr-a')
  const other = await openPage('pages/members/correction', { id: String(second.id) })
  expect(other.data.status).toBe('error')
  expect(other.data.message).toMatch(/[\u4e00-\u9fa5]/)
})
