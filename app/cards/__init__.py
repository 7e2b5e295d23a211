"""Electronic member cards (电子会员卡): the card, its signed QR tokens, verification."""
