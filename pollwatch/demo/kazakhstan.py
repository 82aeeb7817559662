"""Facts about Kazakhstan's early Majilis and maslikhat elections of 19 March 2023.

Real: the 20 regions of 2023 and their names, the time zones in use that day, the seven parties
on the Majilis list with their final votes and seats, 69 list seats with a 5 % threshold, 29
single-member districts, 10,223 polling stations (77 abroad), 12,032,550 registered voters at
opening. Synthetic: how voters and stations split among regions (rounded estimates), all
station-level figures, district boundaries, candidates, and the observers.
"""

from __future__ import annotations

ELECTION_DATE = "2023-03-19"
REGISTERED_AT_OPENING = 12_032_550
STATIONS_IN_COUNTRY = 10_146
STATIONS_ABROAD = 77

#: (code, English, Russian, Kazakh, IANA zone, approx. registered voters in thousands,
#:  approx. polling stations, is a city of republican significance, centre lat, lon)
REGIONS = [
    ("10", "Abai Region", "Абайская область", "Абай облысы", "Asia/Almaty", 420, 560, False, 50.41, 80.25),
    ("11", "Akmola Region", "Акмолинская область", "Ақмола облысы", "Asia/Almaty", 540, 700, False, 53.28, 69.39),
    ("15", "Aktobe Region", "Актюбинская область", "Ақтөбе облысы", "Asia/Aqtobe", 560, 480, False, 50.28, 57.17),
    ("19", "Almaty Region", "Алматинская область", "Алматы облысы", "Asia/Almaty", 950, 750, False, 43.87, 77.07),
    ("23", "Atyrau Region", "Атырауская область", "Атырау облысы", "Asia/Atyrau", 400, 330, False, 47.11, 51.92),
    ("27", "West Kazakhstan Region", "Западно-Казахстанская область", "Батыс Қазақстан облысы", "Asia/Oral", 450, 450, False, 51.23, 51.37),
    ("31", "Jambyl Region", "Жамбылская область", "Жамбыл облысы", "Asia/Almaty", 700, 480, False, 42.90, 71.37),
    ("33", "Jetisu Region", "Жетысуская область", "Жетісу облысы", "Asia/Almaty", 450, 560, False, 45.02, 78.37),
    ("35", "Karaganda Region", "Карагандинская область", "Қарағанды облысы", "Asia/Almaty", 830, 650, False, 49.80, 73.10),
    ("39", "Kostanay Region", "Костанайская область", "Қостанай облысы", "Asia/Qostanay", 620, 700, False, 53.21, 63.62),
    ("43", "Kyzylorda Region", "Кызылординская область", "Қызылорда облысы", "Asia/Qyzylorda", 480, 330, False, 44.85, 65.51),
    ("47", "Mangystau Region", "Мангистауская область", "Маңғыстау облысы", "Asia/Aqtau", 430, 230, False, 43.65, 51.16),
    ("55", "Pavlodar Region", "Павлодарская область", "Павлодар облысы", "Asia/Almaty", 540, 530, False, 52.29, 76.94),
    ("59", "North Kazakhstan Region", "Северо-Казахстанская область", "Солтүстік Қазақстан облысы", "Asia/Almaty", 400, 620, False, 54.87, 69.14),
    ("61", "Turkistan Region", "Туркестанская область", "Түркістан облысы", "Asia/Almaty", 1200, 930, False, 43.30, 68.25),
    ("62", "Ulytau Region", "Улытауская область", "Ұлытау облысы", "Asia/Almaty", 150, 150, False, 47.78, 67.71),
    ("63", "East Kazakhstan Region", "Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "Asia/Almaty", 530, 560, False, 49.95, 82.61),
    ("71", "Astana", "город Астана", "Астана қаласы", "Asia/Almaty", 850, 330, True, 51.17, 71.45),
    ("75", "Almaty", "город Алматы", "Алматы қаласы", "Asia/Almaty", 1200, 560, True, 43.24, 76.89),
    ("79", "Shymkent", "город Шымкент", "Шымкент қаласы", "Asia/Almaty", 640, 250, True, 42.34, 69.59),
]

#: The Majilis party list, in the order of the final result (CEC, 27 March 2023).
#: (code, English, Russian, Kazakh, final votes, seats)
PARTIES = [
    ("amanat", "AMANAT", "AMANAT", "AMANAT", 3_431_510, 40),
    ("auyl", "Auyl", "Ауыл", "Ауыл", 693_938, 8),
    ("respublica", "Respublica", "Respublica", "Respublica", 547_154, 6),
    ("ak-zhol", "Ak Zhol", "Ак жол", "Ақ жол", 535_139, 6),
    ("qhp", "People's Party of Kazakhstan", "Народная партия Казахстана", "Қазақстан Халық партиясы", 432_920, 5),
    ("jsdp", "Nationwide Social Democratic Party", "Общенациональная социал-демократическая партия", "Жалпыұлттық социал-демократиялық партия", 331_058, 4),
    ("baytaq", "Baytaq", "Байтак", "Байтақ", 146_431, 0),
]
AGAINST_ALL = ("against-all", "Against all", "Против всех", "Барлығына қарсы", 248_291)
VOTES_CAST = 6_366_441
LIST_SEATS = 69
SINGLE_MEMBER_DISTRICTS = 29
THRESHOLD_PERCENT = 5

#: 62 countries with polling stations abroad (city, IANA zone); the first 15 have two.
ABROAD = [
    ("RU", "Moscow", "Europe/Moscow"), ("UZ", "Tashkent", "Asia/Tashkent"),
    ("KG", "Bishkek", "Asia/Bishkek"), ("TR", "Ankara", "Europe/Istanbul"),
    ("DE", "Berlin", "Europe/Berlin"), ("US", "Washington", "America/New_York"),
    ("CN", "Beijing", "Asia/Shanghai"), ("AE", "Abu Dhabi", "Asia/Dubai"),
    ("GB", "London", "Europe/London"), ("KR", "Seoul", "Asia/Seoul"),
    ("BY", "Minsk", "Europe/Minsk"), ("UA", "Kyiv", "Europe/Kyiv"),
    ("AZ", "Baku", "Asia/Baku"), ("TJ", "Dushanbe", "Asia/Dushanbe"),
    ("IR", "Tehran", "Asia/Tehran"), ("AM", "Yerevan", "Asia/Yerevan"),
    ("GE", "Tbilisi", "Asia/Tbilisi"), ("TM", "Ashgabat", "Asia/Ashgabat"),
    ("MN", "Ulaanbaatar", "Asia/Ulaanbaatar"), ("FR", "Paris", "Europe/Paris"),
    ("IT", "Rome", "Europe/Rome"), ("ES", "Madrid", "Europe/Madrid"),
    ("AT", "Vienna", "Europe/Vienna"), ("BE", "Brussels", "Europe/Brussels"),
    ("NL", "The Hague", "Europe/Amsterdam"), ("CH", "Bern", "Europe/Zurich"),
    ("PL", "Warsaw", "Europe/Warsaw"), ("CZ", "Prague", "Europe/Prague"),
    ("HU", "Budapest", "Europe/Budapest"), ("LV", "Riga", "Europe/Riga"),
    ("LT", "Vilnius", "Europe/Vilnius"), ("EE", "Tallinn", "Europe/Tallinn"),
    ("FI", "Helsinki", "Europe/Helsinki"), ("SE", "Stockholm", "Europe/Stockholm"),
    ("NO", "Oslo", "Europe/Oslo"), ("DK", "Copenhagen", "Europe/Copenhagen"),
    ("GR", "Athens", "Europe/Athens"), ("BG", "Sofia", "Europe/Sofia"),
    ("RO", "Bucharest", "Europe/Bucharest"), ("RS", "Belgrade", "Europe/Belgrade"),
    ("IL", "Tel Aviv", "Asia/Jerusalem"), ("EG", "Cairo", "Africa/Cairo"),
    ("SA", "Riyadh", "Asia/Riyadh"), ("QA", "Doha", "Asia/Qatar"),
    ("KW", "Kuwait", "Asia/Kuwait"), ("JO", "Amman", "Asia/Amman"),
    ("IN", "New Delhi", "Asia/Kolkata"), ("PK", "Islamabad", "Asia/Karachi"),
    ("AF", "Kabul", "Asia/Kabul"), ("JP", "Tokyo", "Asia/Tokyo"),
    ("SG", "Singapore", "Asia/Singapore"), ("MY", "Kuala Lumpur", "Asia/Kuala_Lumpur"),
    ("TH", "Bangkok", "Asia/Bangkok"), ("VN", "Hanoi", "Asia/Ho_Chi_Minh"),
    ("ID", "Jakarta", "Asia/Jakarta"), ("AU", "Canberra", "Australia/Sydney"),
    ("CA", "Ottawa", "America/Toronto"), ("BR", "Brasília", "America/Sao_Paulo"),
    ("ZA", "Pretoria", "Africa/Johannesburg"), ("KE", "Nairobi", "Africa/Nairobi"),
    ("MA", "Rabat", "Africa/Casablanca"), ("HR", "Zagreb", "Europe/Zagreb"),
]

#: Observers of the CIS mission come from the member states of the CIS Inter-Parliamentary
#: Assembly: (calling code, mobile prefix, digits of the national number, language, names).
OBSERVER_COUNTRIES = [
    ("+7", "9", 10, "ru", ["Ivan Petrov", "Olga Smirnova", "Sergei Volkov", "Anna Kuznetsova",
                          "Dmitry Sokolov", "Elena Popova", "Andrei Lebedev", "Natalia Morozova",
                          "Pavel Novikov", "Irina Fedorova", "Alexei Orlov", "Tatiana Egorova",
                          "Mikhail Zakharov", "Ekaterina Belova", "Nikita Romanov", "Galina Titova"]),
    ("+375", "29", 9, "ru", ["Viktor Kovalenko", "Svetlana Bondar", "Oleg Melnik",
                             "Yulia Shevchenko", "Maxim Tkachenko", "Alla Kravets",
                             "Stanislav Yurchenko", "Lyudmila Savchenko"]),
    ("+374", "9", 8, "ru", ["Armen Sargsyan", "Lilit Hakobyan", "Gevorg Petrosyan",
                            "Anahit Grigoryan", "Tigran Harutyunyan", "Mariam Avetisyan"]),
    ("+994", "50", 9, "ru", ["Elchin Mammadov", "Leyla Aliyeva", "Rashad Hasanov",
                             "Aynur Guliyeva", "Farid Huseynov", "Nigar Ismayilova"]),
    ("+996", "70", 9, "ru", ["Azamat Abdyldaev", "Aigul Toktosunova", "Nurlan Osmonov",
                             "Cholpon Asanova", "Bakyt Zhumabaev", "Gulnara Sydykova"]),
    ("+992", "90", 9, "ru", ["Farrukh Rahimov", "Zarina Nazarova", "Bahrom Saidov",
                             "Madina Karimova", "Sherzod Kholov", "Nilufar Sharipova"]),
    ("+998", "90", 9, "ru", ["Jasur Tursunov", "Dilnoza Yusupova", "Otabek Rakhimov",
                             "Shahnoza Alimova", "Rustam Ergashev", "Feruza Nurmatova",
                             "Bekzod Umarov", "Malika Khodjaeva", "Sardor Ismoilov",
                             "Gulnora Saidova", "Timur Abdullaev", "Zuhra Mirzaeva",
                             "Akmal Sobirov"]),
]

CANDIDATE_FIRST = ["Askar", "Aigerim", "Nurlan", "Dana", "Yerlan", "Saule", "Marat", "Gulnar",
                   "Daniyar", "Aliya", "Serik", "Zhanar", "Bolat", "Madina", "Ruslan", "Asel"]
CANDIDATE_LAST = ["Abenov", "Bekova", "Dzhaksybekov", "Ermekova", "Iskakov", "Kassymova",
                  "Mukanov", "Nurlanova", "Omarov", "Sadykova", "Tulegenov", "Utemisova",
                  "Zhakupov", "Amanova", "Baimukhanov", "Serikova"]
