"""The demo shop's cast: a kitchenware dealer of Kappabashi (Tokyo) and its
customers across Japan, their addresses in the order a postcard prints them,
and the Japanese texts of the demo's records."""

# (name, e-mail slug, kind, city, language) - kinds drive order rhythm and
# contact history; a few customers read English.
DEMO_CUSTOMERS = [
    ("さくらホテルグループ", "sakura-hotel-group", "key", "Tokyo", "ja_JP"),
    ("はなまるラーメン", "hanamaru-ramen", "fan", "Osaka", "ja_JP"),
    ("喫茶 木漏れ日", "kissa-komorebi", "fan", "Kyoto", "ja_JP"),
    ("ビストロ青空", "bistro-aozora", "fan", "Yokohama", "ja_JP"),
    ("田中ケータリング", "tanaka-catering", "fan", "Nagoya", "ja_JP"),
    ("居酒屋 月", "izakaya-tsuki", "fan", "Fukuoka", "ja_JP"),
    ("みどりベーカリー", "midori-bakery", "regular", "Sapporo", "ja_JP"),
    ("海鮨", "umi-sushi", "regular", "Kobe", "ja_JP"),
    ("カフェ陽だまり", "cafe-hidamari", "regular", "Sendai", "ja_JP"),
    ("山本家庭料理", "yamamoto-kitchen", "regular", "Hiroshima", "ja_JP"),
    ("Green Leaf Deli", "green-leaf-deli", "regular", "Chiba", "en_US"),
    ("そば処 小林", "soba-kobayashi", "regular", "Nagano", "ja_JP"),
    ("Osteria Luce", "osteria-luce", "regular", "Tokyo", "en_US"),
    ("中村弁当", "nakamura-bento", "regular", "Saitama", "ja_JP"),
    ("カレーハウス風", "kaze-curry", "regular", "Kawasaki", "ja_JP"),
    ("茶房 雫", "saryo-shizuku", "regular", "Nara", "ja_JP"),
    ("Morning Glory Diner", "morning-glory-diner", "regular", "Kanazawa", "en_US"),
    ("天ぷら 星野", "tempura-hoshino", "regular", "Kumamoto", "ja_JP"),
    ("伊藤料理教室", "ito-cooking-school", "dormant", "Matsuyama", "ja_JP"),
    ("Lucky Dumpling", "lucky-dumpling", "dormant", "Naha", "en_US"),
    ("鈴木ゲストハウス", "suzuki-guesthouse", "dormant", "Hakodate", "ja_JP"),
    ("麺処 小川", "men-ogawa", "dormant", "Okayama", "ja_JP"),
    ("藤井 和子", "fujii", "dormant", "Niigata", "ja_JP"),
    ("神戸ステーキ 葵", "kobe-steak-aoi", "new", "Kobe", "ja_JP"),
]
# the customers the story singles out, by e-mail slug
NO_VISIT = "saryo-shizuku"
NO_POSTAL = "green-leaf-deli"
MOURNING = "izakaya-tsuki"
CONTROL = ("cafe-hidamari", "osteria-luce")
# a private person among the restaurants: 様, not 御中
PERSONS = ("fujii",)

# city -> (postal code, prefecture code, city and ward, street): fictitious
# addresses in the order a Japanese postcard prints them
DEMO_ADDRESSES = {
    "Tokyo": ("150-0001", "13", "渋谷区", "神宮前1-2-3"),
    "Osaka": ("530-0001", "27", "大阪市北区", "梅田2-4-9"),
    "Kyoto": ("604-8005", "26", "京都市中京区", "恵比須町427"),
    "Yokohama": ("231-0023", "14", "横浜市中区", "山下町10"),
    "Nagoya": ("460-0008", "23", "名古屋市中区", "栄3-5-12"),
    "Fukuoka": ("810-0001", "40", "福岡市中央区", "天神2-8-1"),
    "Sapporo": ("060-0061", "01", "札幌市中央区", "南一条西4-5"),
    "Kobe": ("650-0021", "28", "神戸市中央区", "三宮町1-3-2"),
    "Sendai": ("980-0811", "04", "仙台市青葉区", "一番町3-7-1"),
    "Hiroshima": ("730-0035", "34", "広島市中区", "本通6-11"),
    "Chiba": ("260-0028", "12", "千葉市中央区", "新町1000"),
    "Nagano": ("380-0823", "20", "長野市", "南千歳1-22-6"),
    "Saitama": ("330-0063", "11", "さいたま市浦和区", "高砂2-6-18"),
    "Kawasaki": ("210-0007", "14", "川崎市川崎区", "駅前本町11-2"),
    "Nara": ("630-8215", "29", "奈良市", "東向中町28"),
    "Kanazawa": ("920-0981", "17", "金沢市", "片町2-2-15"),
    "Kumamoto": ("860-0801", "43", "熊本市中央区", "安政町1-2"),
    "Matsuyama": ("790-0004", "38", "松山市", "大街道2-5-1"),
    "Naha": ("900-0014", "47", "那覇市", "松尾2-1-10"),
    "Hakodate": ("040-0063", "01", "函館市", "若松町12-13"),
    "Okayama": ("700-0023", "33", "岡山市北区", "駅前町1-8-1"),
    "Niigata": ("951-8068", "15", "新潟市中央区", "上大川前通7-1243"),
}
# phone area codes of the cities
AREA_CODES = {
    "Tokyo": "03",
    "Osaka": "06",
    "Kyoto": "075",
    "Yokohama": "045",
    "Nagoya": "052",
    "Fukuoka": "092",
    "Sapporo": "011",
    "Kobe": "078",
    "Sendai": "022",
    "Hiroshima": "082",
    "Chiba": "043",
    "Nagano": "026",
    "Saitama": "048",
    "Kawasaki": "044",
    "Nara": "0742",
    "Kanazawa": "076",
    "Kumamoto": "096",
    "Matsuyama": "089",
    "Naha": "098",
    "Hakodate": "0138",
    "Okayama": "086",
    "Niigata": "025",
}

# The products' Japanese names (the English ones are in the demo XML).
PRODUCT_NAMES_JA = {
    "demo_product_rice_cooker": "業務用炊飯器 RC-10",
    "demo_product_pot_set": "ステンレス寸胴鍋セット",
    "demo_product_knife": "牛刀 240mm",
    "demo_product_towels": "キッチンタオル（50枚入）",
    "demo_product_water_purifier": "浄水器 WP-20",
    "demo_product_water_cartridge": "浄水器 WP-20 用 交換カートリッジ",
    "product_pressure_cooker": "圧力鍋 6L",
    "product_pressure_cooker_gasket": "圧力鍋 6L 用 パッキン",
    "product_pressure_cooker_valve": "圧力鍋 6L 用 安全弁",
}

# The demo campaigns' messages as the Japanese customers read them.
DEMO_MESSAGES_JA = {
    "Thank you for another year with us.": "お取引を始めていただいてから、また一年が"
    "経ちました。変わらぬご愛顧に心より感謝申し上げます。",
    "Trade in your old rice cooker before the New Year and get 20% off the "
    "RC-10.": "年内に古い炊飯器をお下取りに出していただくと、RC-10 を 20% 引きで"
    "ご提供いたします。",
}
# The demo campaigns' names in the Japanese shop's language (the demo is
# loaded before the addon's Japanese terms; a template's campaign is named
# "<template> (<year>年)" as ja.po says).
DEMO_NAMES_JA = {
    "Year-end offer: rice cooker trade-in": "年末特典：炊飯器下取りキャンペーン",
    "Thank-you card on the customer's anniversary": "お取引記念日のお礼状",
    "New Year greeting": "年賀状",
    "Summer greeting": "暑中見舞い",
}

# touchpoint summaries in the salesperson's language
SUMMARIES = {
    "visit": (
        "Visited the kitchen, checked the equipment",
        "厨房を訪問し、機器を点検",
    ),
    "call": ("Courtesy call: how is everything going?", "ご機嫌伺いのお電話"),
    "letter": ("Personal thank-you letter", "直筆のお礼状"),
    "postcard": ("Handwritten seasonal postcard", "手書きの季節のはがき"),
    "printed_mail": ("Seasonal card and newsletter", "季節のカードとニュースレター"),
    "email": ("Newsletter by email", "メールマガジン"),
}

# the days of a month in the story's order rhythm
MONTH_DAYS = 30
# months between orders, order size factor
RHYTHM = {"key": (1, 6.0), "fan": (2, 2.0), "regular": (5, 1.0), "dormant": (0, 0.7)}
# touchpoint types (xml id suffix) by kind, most frequent first
CONTACT_MIX = {
    "key": ["visit", "call", "letter", "email"],
    "fan": ["letter", "call", "postcard", "visit"],
    "regular": ["printed_mail", "email", "postcard"],
    "dormant": ["printed_mail"],
    "new": ["email"],
}
