"""The words demo data is made of: Banjar names and forms of address, streets, phone prefixes,
marketplaces, where out-of-town NIKs come from, and the reasons staff write."""

from __future__ import annotations

MALE_GIVEN = (
    "Rahmat", "Rizky", "Fauzan", "Hendra", "Agus", "Budi", "Irwan", "Hasan", "Husin", "Yusuf",
    "Jumadi", "Jailani", "Saberi", "Syarifuddin", "Norhadi", "Rusdi", "Mahmud", "Arsyad", "Ilham",
    "Fadli", "Hairil", "Hairudin", "Dedi", "Fikri", "Zainal", "Arbain", "Sarbani", "Anang", "Hamdi",
    "Yudi", "Wahyu", "Taufik", "Ridwan", "Subhan", "Suriansyah", "Fahmi", "Ramli", "Khairul",
    "Junaidi", "Mulyadi", "Samsul", "Bahrani", "Syamsuri", "Arif", "Eko", "Bambang", "Joko", "Andi",
    "Dimas", "Rudi", "Slamet", "Sugianto", "Fahrurrazi", "Iberahim", "Ismail", "Syahrani",
    "Abdurrahman", "Mursyid", "Nasrullah", "Sahrudin", "Hasanuddin", "Anwar", "Firdaus", "Gazali",
    "Herman", "Jamaluddin", "Kamarudin", "Lukman", "Masrani", "Norman", "Riduan", "Sapriansyah",
    "Usman", "Yani", "Zulkifli", "Aditya", "Bayu", "Reza", "Farhan", "Haris", "Akhmadi", "Mukhlis",
)  # fmt: skip
FEMALE_GIVEN = (
    "Aminah", "Fatimah", "Norhayati", "Masitah", "Rusmini", "Hayatun", "Jamilah", "Rahmah",
    "Fitriani", "Rina", "Dewi", "Sri", "Yanti", "Wati", "Halimah", "Salmah", "Zubaidah", "Raudah",
    "Mariani", "Mardiana", "Aluh", "Galuh", "Intan", "Annisa", "Nadia", "Rahmawati", "Khadijah",
    "Zainab", "Maimunah", "Hamidah", "Nurhasanah", "Saniah", "Syarifah", "Normila", "Norlaila",
    "Sarinah", "Lina", "Yulianti", "Mega", "Putri", "Ayu", "Indah", "Rizka", "Dina", "Ernawati",
    "Herlina", "Mahdiah", "Marlina", "Jumiati", "Habibah", "Salasiah", "Mahrita", "Nurjannah",
    "Rabiatul", "Hafsah", "Laila", "Noorjannah", "Siska", "Wulan", "Anisa", "Mutia", "Nafisah",
    "Rusmawati", "Nordiana", "Hariyani", "Risna", "Ratna", "Erliyani", "Fauziah", "Kamariah",
)  # fmt: skip
# Given names that usually come first and are not what people are called by.
MALE_LEADING = ("Muhammad", "Ahmad", "Akhmad", "Abdul", "Gusti", "Muhammad", "Muhammad")
FEMALE_LEADING = ("Siti", "Nurul", "Noor", "Gusti", "Siti", "Nor")
MALE_FAMILY = (
    "Rahman", "Hidayat", "Ansyari", "Rahmadi", "Saputra", "Pratama", "Setiawan", "Hidayatullah",
    "Anshari", "Kurniawan", "Santoso", "Hakim", "Arsyad", "Syahrani", "Fadillah", "Noor", "Fauzi",
    "Ramadhan", "Maulana", "Firmansyah", "Effendi", "Hamdani", "Gunawan", "Wijaya", "Nugroho",
    "Susanto", "Akbar", "Aziz", "Rasyid", "Ghazali", "Iskandar", "Muhdi", "Rizani", "Fitriadi",
)  # fmt: skip
FEMALE_FAMILY = (
    "Lestari", "Handayani", "Wulandari", "Maulidah", "Fitriyani", "Susanti", "Hasanah", "Rahmawati",
    "Rahmah", "Noor", "Jannah", "Sari", "Apriani", "Wahyuni", "Safitri", "Puspitasari", "Ramadhani",
    "Anggraini", "Hidayah", "Mardiah", "Fadilah", "Zahra", "Aulia", "Kartika", "Oktaviani", "Noviyanti",
)  # fmt: skip
NICKNAMES = {
    "Syarifuddin": "Udin", "Hairudin": "Udin", "Hasanuddin": "Udin", "Jamaluddin": "Udin",
    "Sahrudin": "Udin", "Abdurrahman": "Aman", "Kamarudin": "Udin", "Iberahim": "Baim",
    "Suriansyah": "Yayan", "Sapriansyah": "Ifan", "Norhayati": "Yati", "Noorjannah": "Jannah",
    "Nurhasanah": "Hasanah", "Rusmawati": "Rus",
}  # fmt: skip
# Banjar and Indonesian forms of address used in business names.
FEMALE_HONORIFICS = ("Bu", "Bu", "Bu", "Acil", "Acil", "Acil", "Hj.", "Hj.", "Ibu", "Mama", "Uma")
MALE_HONORIFICS = ("Pak", "Pak", "Pak", "Amang", "Amang", "Amang", "H.", "H.", "Abah", "Julak", "Kai")

BRAND_FIRST = (
    "Berkah", "Barokah", "Berkat", "Sumber Rezeki", "Rezeki", "Maju", "Sinar", "Cahaya", "Mandiri",
    "Sejahtera", "Makmur", "Amanah", "Al-Ikhlas", "Bintang", "Intan", "Galuh", "Bungas", "Bauntung",
    "Harapan", "Sahabat", "Kayuh Baimbai", "Banua", "Barito", "Martapura", "Kuin", "Lok Baintan",
    "Siring", "Antasari", "Seribu Sungai", "Jukung", "Kelotok", "Mutiara", "Permata", "Nur",
    "Salsabila", "Zahra", "Raudah", "Annisa", "Putri", "Tiga Saudara", "Dua Putri", "Keluarga",
    "Idaman", "Pelangi", "Citra", "Mekar", "Anugerah", "Karunia", "Fajar", "Surya",
)  # fmt: skip
BRAND_SECOND = (
    "Jaya", "Abadi", "Makmur", "Sejahtera", "Mandiri", "Banua", "Baru", "Indah", "Lestari", "Utama",
    "Sentosa", "Bersama", "Bungas", "Bauntung", "Barakat", "Murni", "Sakti", "Permai",
)  # fmt: skip

STREETS = (
    "Jl. Pramuka", "Jl. A. Yani Km 3", "Jl. A. Yani Km 5", "Jl. Sultan Adam", "Jl. Kayu Tangi",
    "Jl. Veteran", "Jl. Pekapuran", "Jl. Kelayan A", "Jl. Kelayan B", "Jl. Sutoyo S.",
    "Jl. Belitung Darat", "Jl. Cempaka", "Jl. Hasan Basri", "Jl. Pangeran Antasari", "Jl. Sungai Andai",
    "Jl. Pemurus", "Jl. Gatot Subroto", "Jl. Kuin Utara", "Jl. Alalak", "Jl. Banua Anyar",
    "Jl. Tembus Mantuil", "Jl. Beruntung Jaya", "Jl. Lambung Mangkurat", "Jl. Pasar Baru",
    "Jl. Pengambangan", "Jl. Sungai Lulut", "Jl. Teluk Tiram Darat", "Jl. Pelambuan", "Jl. RK Ilir",
    "Jl. Kampung Melayu", "Jl. Simpang Gusti", "Jl. Manggis", "Jl. Rantauan Darat", "Jl. Mayjen Sutoyo S.",
    "Jl. Brigjen H. Hasan Basri", "Jl. Adhyaksa", "Jl. Sungai Miai", "Jl. Pangeran", "Jl. Tatah Bangkal",
    "Jl. Prona", "Jl. Kebun Bunga", "Jl. Sulawesi", "Jl. Niaga", "Jl. Samudera", "Jl. Pasar Lama",
)  # fmt: skip
GANG_NAMES = (
    "Sepakat", "Amanah", "Keluarga", "Rahmat", "Mesjid", "Langgar", "Family", "Damai", "Rukun",
    "Hikmah", "Nusa Indah", "Mawar", "Melati", "Kenanga", "Bersama", "Harapan", "Purnama", "Serumpun",
)  # fmt: skip

# (prefix after the country code, weight): Telkomsel leads in Kalimantan Selatan.
PHONE_PREFIXES = (
    ("811", 3), ("812", 9), ("813", 7), ("821", 7), ("822", 6), ("823", 3), ("852", 8), ("853", 5),
    ("851", 2), ("814", 1), ("815", 1), ("816", 1), ("855", 1), ("856", 2), ("857", 2), ("858", 1),
    ("817", 1), ("818", 1), ("819", 2), ("859", 1), ("877", 2), ("878", 2), ("895", 1), ("896", 2),
    ("897", 1), ("898", 1), ("899", 1), ("881", 1), ("882", 1), ("831", 1), ("838", 1),
)  # fmt: skip
MARKETPLACES = (
    "https://shopee.co.id/{}",
    "https://www.tokopedia.com/{}",
    "https://www.lazada.co.id/shop/{}",
)
SOCIAL_MEDIA = (
    "https://www.instagram.com/{}/",
    "https://www.instagram.com/{}.bjm/",
    "https://www.facebook.com/{}",
    "https://www.tiktok.com/@{}",
)
EMAIL_DOMAINS = ("gmail.com",) * 8 + ("yahoo.co.id", "yahoo.com", "ymail.com")

# Owners whose NIK was issued outside Banjarmasin: (regency code, number of districts).
OTHER_REGENCIES = (
    ("6303", 20), ("6304", 17), ("6372", 5), ("6301", 11), ("6305", 12), ("6306", 11),
    ("6307", 11), ("6308", 10), ("6309", 12), ("6310", 12), ("6302", 21), ("6271", 5),
    ("6203", 17), ("3578", 31), ("3374", 16), ("7371", 15),
)  # fmt: skip
KECAMATAN_WEIGHT = {"63.71.01": 1.25, "63.71.02": 1.0, "63.71.03": 0.9, "63.71.04": 1.0, "63.71.05": 1.4}

REJECT_REASONS = (
    "Foto KTP tidak terbaca; mohon unggah ulang dengan lebih jelas.",
    "NIK tidak sesuai dengan nama pada KTP.",
    "Alamat usaha berada di luar Kota Banjarmasin.",
    "Usaha belum berjalan; silakan daftar kembali setelah mulai beroperasi.",
    "Omzet dan jumlah tenaga kerja belum diisi dengan benar.",
    "Usaha yang sama sudah terdaftar atas nama pemilik ini.",
)
INACTIVE_REASONS = (
    "Usaha tutup permanen.",
    "Pemilik pindah ke luar kota.",
    "Usaha berhenti beroperasi sejak pandemi Covid-19.",
    "Pemilik beralih usaha; usaha lama tidak dilanjutkan.",
    "Tempat usaha terkena penggusuran/penataan kawasan.",
)
